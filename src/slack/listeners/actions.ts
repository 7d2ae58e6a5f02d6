import type { ListenerRouter } from '../router';
import { parseCommand, type Command } from '../../commands/grammar';
import { runCommand } from '../../commands/run';
import { applyFollowUps } from '../../core/follow-up';
import { questionAsOf } from '../../core/questions';
import { note, user } from '../../views/doc';
import { refusalReply } from '../../views/follow-up';
import { ACTIONS } from '../../views/ids';
import { recordAnswerModal, recordUpdateModal } from '../../views/modals';
import { shift } from '../../core/plan';
import { toSlackMessage } from '../../views/render-slack';
import { toPlainText } from '../../views/render-text';
import { contextFor, type ListenerDeps } from '../deps';

/** Commands a "Share in channel" button may re-run: those that only read. */
const SHAREABLE: ReadonlySet<Command['name']> = new Set(['status', 'facts', 'when', 'questions', 'timeline', 'updates', 'history', 'help']);

/** Slack errors meaning "the bot cannot post in this conversation". */
const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action', 'cannot_dm_bot']);

export function registerActions(router: ListenerRouter, deps: ListenerDeps): void {
  router.action(ACTIONS.shareReply, async ({ ack, body, action, client, respond }) => {
    await ack();
    const cmd = parseCommand(action.value ?? '');
    const channel = body.channel?.id;
    if (!SHAREABLE.has(cmd.name) || channel === undefined) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'That reply cannot be shared.' });
      return;
    }
    const actor = { id: body.user.id, name: body.user.name ?? body.user.id };
    const { reply } = await runCommand(cmd, contextFor(deps, actor));
    const shared = { ...reply, blocks: [...reply.blocks, note('Shared by ', user(actor.id))] };
    try {
      await client.chat.postMessage({ channel, ...toSlackMessage(shared), unfurl_links: false, unfurl_media: false });
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      deps.log.warn({ err: error, channel, code }, 'share failed');
      const text = code && CANNOT_POST.has(code)
        ? 'I can’t post in this conversation. Invite me with `/invite @summit-bot` (or share from a channel I’m in), then try again.'
        : 'Sorry, sharing failed. Please try again.';
      await respond({ response_type: 'ephemeral', replace_original: false, text });
    }
  });

  router.action(ACTIONS.recordAnswer, async ({ ack, body, action, client, respond }) => {
    await ack();
    const actor = { id: body.user.id, name: body.user.name ?? body.user.id };
    const ctx = contextFor(deps, actor);
    if (!(await ctx.isAdmin())) {
      const refusal = refusalReply('record answers', deps.incident.admins);
      if (body.response_url) await respond({ response_type: 'ephemeral', replace_original: false, ...toSlackMessage(refusal) });
      else await client.views.open({ trigger_id: body.trigger_id, view: noticeModal(toPlainText(refusal)) });
      return;
    }
    const incident = applyFollowUps(deps.incident, await deps.store.state());
    const question = incident.questions.find((q) => q.id === action.value);
    if (!question) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: `No question ${action.value ?? ''}.` });
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: recordAnswerModal(questionAsOf(question, ctx.now), { questionId: question.id, channelId: body.channel?.id }) });
  });
}

/** The buttons on reminder messages: open questions, record update (admins), snooze. */
export function registerReminderActions(router: ListenerRouter, deps: ListenerDeps): void {
  router.action(ACTIONS.openQuestions, async ({ ack, body, respond }) => {
    await ack();
    const actor = { id: body.user.id, name: body.user.name ?? body.user.id };
    const { reply } = await runCommand({ name: 'questions', filter: 'open' }, contextFor(deps, actor, body.channel?.id));
    await respond({ response_type: 'ephemeral', replace_original: false, ...toSlackMessage(reply, { shareable: true }) });
  });

  router.action(ACTIONS.recordUpdate, async ({ ack, body, action, client, respond }) => {
    await ack();
    const actor = { id: body.user.id, name: body.user.name ?? body.user.id };
    if (!(await deps.admins.isAdmin(actor.id))) {
      await respond({ response_type: 'ephemeral', replace_original: false, ...toSlackMessage(refusalReply('record updates', deps.incident.admins)) });
      return;
    }
    const expected = deps.incident.expectedUpdates.find((u) => u.id === action.value);
    if (!expected) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: `No expected update ${action.value ?? ''}.` });
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: recordUpdateModal(expected.id, expected.text, { expectedId: expected.id, channelId: body.channel?.id }) });
  });

  router.action(ACTIONS.snooze, async ({ ack, body, action, respond }) => {
    await ack();
    const channel = body.channel?.id;
    const series = action.value ?? '';
    if (!channel || !/^(countdown|digest|nudge:[A-Za-z0-9_.-]+)$/.test(series)) return;
    // In a DM the reminder belongs to the person; in a channel, to the channel.
    const target = channel.startsWith('D') ? `user:${body.user.id}` : `channel:${channel}`;
    const now = deps.clock.now();
    const zone = deps.incident.reminders?.zone ?? deps.incident.event.timezone;
    const until = shift(now, { amount: 1, unit: 'days', text: '1d' }, zone, 1);
    await deps.store.reminders.snooze(series, target, until, { id: body.user.id, name: body.user.name ?? body.user.id }, now);
    await respond({ response_type: 'ephemeral', replace_original: false, text: `Snoozed: no more of these reminders here until the same time tomorrow.` });
  });
}

function noticeModal(text: string) {
  return {
    type: 'modal' as const,
    title: { type: 'plain_text' as const, text: 'summit-bot' },
    close: { type: 'plain_text' as const, text: 'OK' },
    blocks: [{ type: 'section' as const, text: { type: 'plain_text' as const, text: text.slice(0, 3000) } }],
  };
}
