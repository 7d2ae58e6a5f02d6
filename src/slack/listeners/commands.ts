import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { handleCommandText } from '../../commands/handle';
import type { Incident } from '../../incident/model';
import type { Clock } from '../../lib/clock';
import { toSlackMessage } from '../../views/render-slack';
import { SUMMIT_COMMAND } from '../ids';

export interface CommandDeps {
  incident: Incident;
  clock: Clock;
  log: Logger;
}

/** /summit: answer in the ack itself (ephemeral), well inside Slack's 3 seconds. */
export function registerCommands(app: App, { incident, clock, log }: CommandDeps): void {
  app.command(SUMMIT_COMMAND, async ({ command, ack }) => {
    const started = Date.now();
    try {
      const reply = await handleCommandText(command.text ?? '', { incident, now: clock.now() });
      await ack({ response_type: 'ephemeral', ...toSlackMessage(reply) });
      log.info({ user: command.user_id, channel: command.channel_id, verb: firstWord(command.text), ms: Date.now() - started }, 'command');
    } catch (error) {
      log.error({ err: error, user: command.user_id }, 'command failed');
      await ack({ response_type: 'ephemeral', text: 'Sorry, something went wrong answering that. Please try again; if it keeps happening, tell whoever runs summit-bot.' });
    }
  });
}

function firstWord(text: string | undefined): string {
  return (text ?? '').trim().split(/\s+/)[0]?.slice(0, 20).toLowerCase() ?? '';
}
