import type { ListenerRouter } from '../router';
import { parseCommand, type Command } from '../../commands/grammar';
import { runCommand } from '../../commands/run';
import { applyFollowUps } from '../../core/follow-up';
import { questionAsOf } from '../../core/questions';
import { DATASET_ID, QUESTION_ID } from '../../lib/text';
import { note, user } from '../../views/doc';
import { noSuchExpectedUpdateReply, noSuchQuestionReply, refusalReply } from '../../views/follow-up';
import { ACTIONS } from '../../views/ids';
import { noticeModal, recordAnswerModal, recordUpdateModal } from '../../views/modals';
import { cannotPostReply, notShareableReply } from '../../views/replies';
import { toSlackMessage } from '../../views/render-slack';
import { toPlainText } from '../../views/render-text';
import { actorOf, contextFor, requestKeyOf, type ListenerDeps } from '../deps';

/** Commands a "Share in channel" button may re-run: those that only read. */
const SHAREABLE: ReadonlySet<Command['name']> = new Set(['status', 'facts', 'when', 'questions', 'timeline', 'updates', 'history', 'help', 'schedule']);
/** Longest button value read: every value the bot writes is a short command or id. */
const MAX_VALUE = 200;

/** Slack errors meaning "the bot cannot post in this conversation". */
const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action', 'cannot_dm_bot']);

const ephemeral = { response_type: 'ephemeral' as const, replace_original: false };

export function registerActions(router: ListenerRouter, deps: ListenerDeps): void {
  router.action(ACTIONS.shareReply, async ({ ack, body, action, client, respond }) => {
    await ack();
    const value = action.value ?? '';
    const cmd = value.length <= MAX_VALUE ? parseCommand(value) : undefined;
    const channel = body.channel?.id;
    if (!cmd || !SHAREABLE.has(cmd.name) || channel === undefined) {
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
      const code = (error as { data?: { error?: string } }).data?.error;
      deps.log.warn({ err: error, channel, code }, 'share failed');
      await respond({ ...ephemeral, ...toSlackMessage(cannotPostReply(code !== undefined && CANNOT_POST.has(code))) });
    }
  });

  router.action(ACTIONS.recordAnswer, async ({ ack, body, action, client, respond }) => {
    await ack();
    const ctx = contextFor(deps, actorOf(body.user));
    if (!(await ctx.isAdmin())) {
      const refusal = refusalReply('record answers', deps.incident.admins);
      if (body.response_url) await respond({ ...ephemeral, ...toSlackMessage(refusal) });
      else await client.views.open({ trigger_id: body.trigger_id, view: noticeModal(toPlainText(refusal)) });
      return;
    }
    const value = action.value ?? '';
    const incident = applyFollowUps(deps.incident, await deps.store.state());
    const question = QUESTION_ID.test(value) ? incident.questions.find((q) => q.id === value) : undefined;
    if (!question) {
      await respond({ ...ephemeral, ...toSlackMessage(noSuchQuestionReply(value.slice(0, 40), [])) });
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: recordAnswerModal(questionAsOf(question, ctx.now), { questionId: question.id, channelId: body.channel?.id }) });
  });
}

/** The buttons on reminder messages: open questions, record update (admins), snooze. */
export function registerReminderActions(router: ListenerRouter, deps: ListenerDeps): void {
  router.action(ACTIONS.openQuestions, async ({ ack, body, respond }) => {
    await ack();
    const { reply } = await runCommand({ name: 'questions', filter: 'open' }, contextFor(deps, actorOf(body.user), body.channel?.id));
    await respond({ ...ephemeral, ...toSlackMessage(reply, { shareable: true }) });
  });

  router.action(ACTIONS.recordUpdate, async ({ ack, body, action, client, respond }) => {
    await ack();
    if (!(await deps.admins.isAdmin(body.user.id))) {
      await respond({ ...ephemeral, ...toSlackMessage(refusalReply('record updates', deps.incident.admins)) });
      return;
    }
    const value = action.value ?? '';
    const expected = DATASET_ID.test(value) ? deps.incident.expectedUpdates.find((u) => u.id === value) : undefined;
    if (!expected) {
      await respond({ ...ephemeral, ...toSlackMessage(noSuchExpectedUpdateReply(value.slice(0, 40), deps.incident.expectedUpdates.map((u) => u.id))) });
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: recordUpdateModal(expected.id, expected.text, { expectedId: expected.id, channelId: body.channel?.id }) });
  });

  router.action(ACTIONS.snooze, async ({ ack, body, action, respond, context }) => {
    await ack();
    const series = (action.value ?? '').slice(0, MAX_VALUE);
    const ctx = contextFor(deps, actorOf(body.user), body.channel?.id, requestKeyOf(context));
    const { reply } = await runCommand({ name: 'snooze', series }, ctx);
    await respond({ ...ephemeral, ...toSlackMessage(reply) });
  });
}
