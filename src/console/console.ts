import { userInfo } from 'node:os';
import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import { handleCommandText } from '../commands/handle';
import type { Actor, Incident } from '../incident/model';
import type { Clock } from '../lib/clock';
import type { FollowUpStore } from '../store/repository';
import { failureReply } from '../views/replies';
import { toPlainText } from '../views/render-text';

/**
 * Where the console prints: replies, and reminders that fire while someone may be typing. At an interactive
 * terminal a reminder is printed above the prompt: the line being typed is cleared, the reminder written, and the
 * prompt redrawn with the partial input as it was, so what Enter runs is what the screen shows.
 */
export class ConsoleScreen {
  private rl?: Interface;

  constructor(
    readonly output: NodeJS.WritableStream,
    private readonly interactive: boolean,
  ) {}

  /** The prompt's readline, once the console has one. */
  attach(rl: Interface | undefined): void {
    this.rl = rl;
  }

  print(text: string): void {
    if (!this.interactive || !this.rl) {
      this.output.write(text);
      return;
    }
    clearLine(this.output, 0);
    cursorTo(this.output, 0);
    this.output.write(text);
    // Redraws the prompt and whatever was typed, keeping the cursor where it was.
    this.rl.prompt(true);
  }
}

export interface ConsoleDeps {
  incident: Incident;
  clock: Clock;
  store: FollowUpStore;
  input: NodeJS.ReadableStream;
  screen: ConsoleScreen;
  /** Show a prompt (a person at a terminal rather than a script). */
  interactive: boolean;
}

export const CONSOLE_BANNER =
  'summit-bot console (no Slack credentials set). Type "help"; Ctrl-D quits. To connect to Slack, set SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode): see README.md.';

/**
 * The local front end: reads commands ("/summit when" or just "when") line by line and prints the same replies
 * Slack gets, as plain text. Resolves at the end of input.
 */
export async function runConsole({ incident, clock, store, input, screen, interactive }: ConsoleDeps): Promise<void> {
  // The person at the terminal runs the bot, so they are its admin.
  const actor: Actor = { id: 'console', name: localUserName() };
  const rl = createInterface({ input, output: interactive ? screen.output : undefined, terminal: interactive });
  if (interactive) screen.attach(rl);
  const prompt = () => {
    if (interactive) rl.prompt();
  };
  rl.setPrompt('summit> ');
  prompt();
  try {
    for await (const line of rl) {
      const text = line.trim();
      if (text === 'exit' || text === 'quit') break;
      if (text !== '') {
        const reply = await handleCommandText(text, {
          incident,
          now: clock.now(),
          actor,
          isAdmin: async () => true,
          store,
        }).then(
          (r) => r.reply,
          // A failure that is not an outage (outages are answered inside the command path): the console carries on.
          () => failureReply(),
        );
        screen.output.write(`${toPlainText(reply)}\n\n`);
      }
      prompt();
    }
  } finally {
    screen.attach(undefined);
    rl.close();
  }
}

function localUserName(): string {
  try {
    return userInfo().username || 'console';
  } catch {
    return 'console';
  }
}
