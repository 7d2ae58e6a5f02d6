import type { webApi } from '@slack/bolt';
import type { CommandResult } from '../../commands/types';
import { noticeModal } from '../../views/modals';
import { toSlackMessage, type SlackMessage } from '../../views/render-slack';

export const ephemeral = { response_type: 'ephemeral' as const, replace_original: false };

/**
 * Answers a button or a shortcut with what its command made: the form it opens, or its reply where it was used
 * (by response_url), or, where there is none (the Home tab), in a small modal.
 */
export async function answerInteraction(
  result: CommandResult,
  o: {
    client: webApi.WebClient;
    respond: (message: typeof ephemeral & SlackMessage) => Promise<unknown>;
    triggerId: string;
    responseUrl?: string;
    /** The message the button was on, when it was on one. */
    message?: { channel: string; ts: string };
  },
): Promise<void> {
  if (result.replaceMessage && o.message) {
    await o.client.chat.update({
      channel: o.message.channel,
      ts: o.message.ts,
      ...toSlackMessage(result.replaceMessage),
    });
    return;
  }
  if (result.form) await o.client.views.open({ trigger_id: o.triggerId, view: result.form });
  else if (o.responseUrl) await o.respond({ ...ephemeral, ...toSlackMessage(result.reply, { shareable: true }) });
  else await o.client.views.open({ trigger_id: o.triggerId, view: noticeModal(result.reply) });
}
