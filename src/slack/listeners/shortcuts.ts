import { shortcuts } from '../../commands/registry';
import { runInteraction } from '../../commands/resolve';
import type { ShortcutMessage } from '../../commands/types';
import { actorOf, contextFor, requestKeyOf, type ListenerDeps } from '../deps';
import type { ListenerRouter } from '../router';
import { answerInteraction, ephemeral } from './reply';
import { slackFailureCode } from '../failures';
import { toSlackMessage } from '../../views/render-slack';
import { cannotSeeMessageReply } from '../../views/lifecycle-forms';

/**
 * chat.getPermalink's answers for a conversation the bot cannot read (docs.slack.dev, chat.getPermalink: Errors):
 * channel_not_found (a private channel it is not in, or a DM or group DM between people) and not_in_channel.
 */
const CANNOT_SEE = new Set(['channel_not_found', 'not_in_channel']);

/**
 * The message shortcuts of the registry (Track as question, Use as answer): the message Slack sends, with its
 * permalink from chat.getPermalink, becomes the command's input; the command opens a form or says why not.
 */
export function registerShortcuts(router: ListenerRouter, deps: ListenerDeps): void {
  for (const s of shortcuts()) {
    router.shortcut(s.callback, async ({ ack, body, client, respond, context }) => {
      await ack();
      const channel = body.channel.id;
      const ts = body.message.ts ?? body.message_ts;
      let link: { permalink?: string };
      try {
        link = await client.chat.getPermalink({ channel, message_ts: ts });
      } catch (error) {
        // A private channel the bot is not in, or a DM between people: Slack offers the shortcut there, but the bot
        // cannot see the message. A permanent refusal, said as such; nothing is recorded.
        if (!CANNOT_SEE.has(slackFailureCode(error) ?? '')) throw error;
        await respond({ ...ephemeral, ...toSlackMessage(cannotSeeMessageReply()) });
        return;
      }
      const message: ShortcutMessage = {
        channel,
        ts,
        permalink: link.permalink ?? '',
        author: typeof body.message.user === 'string' ? body.message.user : undefined,
        text: typeof body.message.text === 'string' ? body.message.text : '',
      };
      // The question or answer goes to the incident the channel follows (or the only one); else the reply says which
      // incidents there are and how to make the channel follow one.
      const req = contextFor(deps, actorOf(body.user), channel, requestKeyOf(context));
      const result = await runInteraction(s.command(message), req, { kind: 'shortcut' });
      await answerInteraction(result, { client, respond, triggerId: body.trigger_id, responseUrl: body.response_url });
    });
  }
}
