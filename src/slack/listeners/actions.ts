import type { ListenerRouter } from '../router';
import { buttonCommand, isShareable, MAX_BUTTON_VALUE, parseCommand } from '../../commands/registry';
import { runCommand } from '../../commands/run';
import { note, user } from '../../views/doc';
import { ACTIONS } from '../../views/ids';
import { noticeModal } from '../../views/modals';
import { cannotPostReply, notShareableReply } from '../../views/replies';
import { toSlackMessage } from '../../views/render-slack';
import { toPlainText } from '../../views/render-text';
import { slackFailureCode } from '../failures';
import { actorOf, contextFor, requestKeyOf, type ListenerDeps } from '../deps';
import { refreshHome } from '../home';

/** Slack errors meaning "the bot cannot post in this conversation". */
const CANNOT_POST = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
  'cannot_dm_bot',
]);

const ephemeral = { response_type: 'ephemeral' as const, replace_original: false };

/** The buttons that stand for a command (the registry's `button`): each takes the one command path. */
const COMMAND_BUTTONS = [ACTIONS.recordAnswer, ACTIONS.openQuestions, ACTIONS.recordUpdate, ACTIONS.snooze];

export function registerActions(router: ListenerRouter, deps: ListenerDeps): void {
  for (const actionId of COMMAND_BUTTONS) {
    router.action(actionId, async ({ ack, body, action, client, respond, context }) => {
      await ack();
      const cmd = buttonCommand(actionId, action.value);
      if (!cmd) return;
      const actor = actorOf(body.user);
      const result = await runCommand(cmd, contextFor(deps, actor, body.channel?.id, requestKeyOf(context)));
      if (result.form) await client.views.open({ trigger_id: body.trigger_id, view: result.form });
      else if (body.response_url) await respond({ ...ephemeral, ...toSlackMessage(result.reply, { shareable: true }) });
      // The Home tab has no response_url: a reply there shows in a small modal.
      else await client.views.open({ trigger_id: body.trigger_id, view: noticeModal(toPlainText(result.reply)) });
      if (result.changed) refreshHome(client, actor.id, deps);
    });
  }

  router.action(ACTIONS.shareReply, async ({ ack, body, action, client, respond }) => {
    await ack();
    const value = action.value ?? '';
    const cmd = value.length <= MAX_BUTTON_VALUE ? parseCommand(value) : undefined;
    const channel = body.channel?.id;
    if (!cmd || !isShareable(cmd) || channel === undefined) {
      await respond({ ...ephemeral, ...toSlackMessage(notShareableReply()) });
      return;
    }
    const actor = actorOf(body.user);
    // The reply is made again for the channel it is shared in (a schedule is that channel's).
    const { reply } = await runCommand(cmd, contextFor(deps, actor, channel));
    const shared = { ...reply, blocks: [...reply.blocks, note('Shared by ', user(actor.id))] };
    try {
      await client.chat.postMessage({ channel, ...toSlackMessage(shared), unfurl_links: false, unfurl_media: false });
    } catch (error) {
      const code = slackFailureCode(error);
      deps.log.warn({ err: error, channel, code }, 'share failed');
      await respond({ ...ephemeral, ...toSlackMessage(cannotPostReply(code !== undefined && CANNOT_POST.has(code))) });
    }
  });
}
