import type { ListenerRouter } from '../router';
import { buttonActions, buttonCommand, isShareable, MAX_BUTTON_VALUE, parseCommand } from '../../commands/registry';
import { handleCommandText } from '../../commands/handle';
import { runInteraction } from '../../commands/resolve';
import { splitScoped } from '../../views/scope';
import { note, user } from '../../views/doc';
import { ACTIONS, heldCommandRef } from '../../views/ids';
import { incidentChoices } from '../../views/incidents';
import { matching, optionsResponse } from '../../views/select';
import { cannotPostReply, heldCommandGoneReply, notShareableReply } from '../../views/replies';
import { toSlackMessage } from '../../views/render-slack';
import { slackFailureCode } from '../failures';
import { actorOf, contextFor, requestKeyOf, type ListenerDeps } from '../deps';
import { namedFirst } from '../../commands/resolve';
import { refreshHome } from '../home';
import { answerInteraction, ephemeral } from './reply';

/** Slack errors meaning "the bot cannot post in this conversation". */
const CANNOT_POST = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
  'cannot_dm_bot',
]);

export function registerActions(router: ListenerRouter, deps: ListenerDeps): void {
  // The buttons that stand for a command (the registry's `button`): each takes the one command path.
  for (const actionId of buttonActions()) {
    router.action(actionId, async ({ ack, body, action, client, respond, context }) => {
      await ack();
      const { incidentId, value } = splitScoped(action.value);
      const cmd = buttonCommand(actionId, value);
      if (!cmd) return;
      const actor = actorOf(body.user);
      const req = contextFor(deps, actor, body.channel?.id, requestKeyOf(context));
      const result = await runInteraction(cmd, req, { kind: 'made', incidentId });
      const ts = body.message?.ts ?? body.container?.message_ts;
      const channel = body.channel?.id ?? body.container?.channel_id;
      await answerInteraction(result, {
        client,
        respond,
        triggerId: body.trigger_id,
        responseUrl: body.response_url,
        message: typeof ts === 'string' && typeof channel === 'string' ? { channel, ts } : undefined,
      });
      if (result.changed) refreshHome(client, actor.id, deps);
    });
  }

  router.action(ACTIONS.shareReply, async ({ ack, body, action, client, respond }) => {
    await ack();
    const value = action.value ?? '';
    // The value is the command's text, its incident named first: the reply is made again by the one path.
    const { incidentId, rest } = namedFirst(value, deps.catalog);
    const cmd = value.length <= MAX_BUTTON_VALUE ? parseCommand(rest) : undefined;
    const channel = body.channel?.id;
    if (!cmd || !isShareable(cmd) || channel === undefined) {
      await respond({ ...ephemeral, ...toSlackMessage(notShareableReply()) });
      return;
    }
    const actor = actorOf(body.user);
    // The reply is made again for the channel it is shared in (a schedule is that channel's).
    const { reply } = await runInteraction(cmd, contextFor(deps, actor, channel), { kind: 'made', incidentId });
    const shared = { ...reply, blocks: [...reply.blocks, note('Shared by ', user(actor.id))] };
    try {
      await client.chat.postMessage({ channel, ...toSlackMessage(shared), unfurl_links: false, unfurl_media: false });
    } catch (error) {
      const code = slackFailureCode(error);
      deps.log.warn({ err: error, channel, code }, 'share failed');
      await respond({ ...ephemeral, ...toSlackMessage(cannotPostReply(code !== undefined && CANNOT_POST.has(code))) });
    }
  });
  registerIncidentChoice(router, deps);
}

/**
 * The select on the "which incident?" reply: its value is the incident chosen, and its block carries the reference
 * of the command held for it (commands/resolve.ts), run by the one command path for that incident exactly as
 * typed, in the conversation it was chosen in; the answer replaces the question. A menu made by an earlier release
 * has "<incident id> <command text>" as its value, run as it says.
 */
export function registerIncidentChoice(router: ListenerRouter, deps: ListenerDeps): void {
  router.select(ACTIONS.chooseIncident, async ({ ack, body, action, respond, context, client }) => {
    await ack();
    const value = (action.selected_option?.value ?? '').slice(0, 4000);
    const actor = actorOf(body.user);
    const ref = heldCommandRef(action.block_id);
    let text = value;
    if (ref !== undefined) {
      const typed = await deps.store.heldCommand(ref, actor.id);
      if (typed === undefined) {
        await respond({ ...ephemeral, replace_original: true, ...toSlackMessage(heldCommandGoneReply(value)) });
        return;
      }
      text = `${value} ${typed}`;
    }
    const req = contextFor(deps, actor, body.channel?.id, requestKeyOf(context));
    const result = await handleCommandText(text, req, deps.replies);
    await respond({ ...ephemeral, replace_original: true, ...toSlackMessage(result.reply, { shareable: true }) });
    if (result.changed) refreshHome(client, actor.id, deps);
  });
  // Past 100 incidents the menu is filled as people type.
  router.options(ACTIONS.chooseIncident, async ({ ack, body }) => {
    await ack(optionsResponse(matching(incidentChoices(deps.catalog.incidents), body.value ?? '')));
  });
}
