import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { handleCommandText } from '../commands/handle';
import type { Actor, Incident } from '../incident/model';
import type { Clock } from '../lib/clock';
import type { FollowUpStore } from '../store/repository';
import { failureReply } from '../views/replies';
import { toPlainText } from '../views/render-text';

export interface ConsoleDeps {
  incident: Incident;
  clock: Clock;
  store: FollowUpStore;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Show a prompt (a person at a terminal rather than a script). */
  interactive: boolean;
}

export const CONSOLE_BANNER =
  'summit-bot console (no Slack credentials set). Type "help"; Ctrl-D quits. To connect to Slack, set SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode): see README.md.';

/**
 * The local front end: reads commands ("/summit when" or just "when") line by line and prints the same replies
 * Slack gets, as plain text. Resolves at the end of input.
 */
export async function runConsole({ incident, clock, store, input, output, interactive }: ConsoleDeps): Promise<void> {
  // The person at the terminal runs the bot, so they are its admin.
  const actor: Actor = { id: 'console', name: localUserName() };
  const rl = createInterface({ input, output: interactive ? output : undefined, terminal: interactive });
  const prompt = () => {
    if (interactive) rl.prompt();
  };
  rl.setPrompt('summit> ');
  prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === 'exit' || text === 'quit') break;
    if (text !== '') {
      const reply = await handleCommandText(text, { incident, now: clock.now(), actor, isAdmin: async () => true, store }).then(
        (r) => r.reply,
        // A failure that is not an outage (outages are answered inside the command path): the console carries on.
        () => failureReply(),
      );
      output.write(`${toPlainText(reply)}\n\n`);
    }
    prompt();
  }
  rl.close();
}

function localUserName(): string {
  try {
    return userInfo().username || 'console';
  } catch {
    return 'console';
  }
}
