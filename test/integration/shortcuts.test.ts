import { ManualClock } from '../../src/lib/clock';
import { ANSWER_MODAL, CALLBACKS, DROP_MODAL, FROM_MESSAGE_MODAL, SHORTCUTS, TRACK_MODAL } from '../../src/views/ids';
import { startBotWithAdmins, SIGNING_SECRET, type TestBot } from '../helpers/bot';
import {
  buttonPress,
  interactionBody,
  messageShortcut,
  postSigned,
  slashCommandBody,
  viewSubmission,
} from '../helpers/slack-requests';
import { eventually } from '../helpers/wait';

const ADMIN = 'U0LISTED';
const MEMBER = 'U0MEMBER';
const OWNER = 'U0OWNER';

interface View {
  callback_id: string;
  private_metadata: string;
  blocks: { block_id?: string; element?: { initial_value?: string; options?: { value: string }[] } }[];
}

describe('capturing follow-ups from messages: shortcuts, forms, owners and due dates', () => {
  const clock = new ManualClock('2025-01-15T17:00:00Z');
  let bot: TestBot;

  beforeEach(async () => {
    bot = await startBotWithAdmins([ADMIN], clock);
    bot.fake.on('users.info', (c) => {
      const user = String(c.body.user);
      if (user === 'U0NOBODY') return { ok: false, error: 'user_not_found' };
      return {
        ok: true,
        user: { id: user, is_admin: false, is_owner: false, is_bot: user === 'U0ROBOT', deleted: user === 'U0GONE' },
      };
    });
  });
  afterEach(() => bot.stop());

  const interact = async (payload: Record<string, unknown>) => {
    const res = await postSigned(bot.events, interactionBody(payload), { secret: SIGNING_SECRET });
    expect(res.status).toBe(200);
    const text = await res.text();
    return text === ''
      ? undefined
      : (JSON.parse(text) as { response_action?: string; errors?: Record<string, string> });
  };
  const command = async (text: string, userId: string) => {
    const res = await postSigned(bot.events, slashCommandBody(text, { user_id: userId }), { secret: SIGNING_SECRET });
    return ((await res.json()) as { text: string }).text;
  };
  const shortcut = (
    callbackId: string,
    userId: string,
    message: { ts: string; text?: string; user?: string; files?: unknown[] },
  ) =>
    interact(
      messageShortcut({ callbackId, userId, channelId: 'C0GENERAL', message, responseUrl: bot.fake.hookUrl('sc') }),
    );
  const openedViews = () => bot.fake.callsTo('views.open').map((c) => c.body.view as View);
  /** Submits the Track as question form with these fields (owner and due left empty when not given). */
  const submitTrack = (metadata: string, userId: string, f: { text: string; owner?: string; due?: string }) =>
    interact(
      viewSubmission({
        callbackId: CALLBACKS.trackQuestionModal,
        userId,
        metadata,
        values: {
          [TRACK_MODAL.text.block]: { [TRACK_MODAL.text.action]: { type: 'plain_text_input', value: f.text } },
          ...(f.owner && {
            [TRACK_MODAL.owner.block]: { [TRACK_MODAL.owner.action]: { type: 'users_select', selected_user: f.owner } },
          }),
          ...(f.due && {
            [TRACK_MODAL.due.block]: { [TRACK_MODAL.due.action]: { type: 'datepicker', selected_date: f.due } },
          }),
        },
      }),
    );

  test('Track as question: the form is prefilled from the message; submitting adds the next question, linked to it, with owner and due date', async () => {
    await shortcut(SHORTCUTS.trackQuestion, MEMBER, {
      ts: '1736960000.000200',
      user: 'U0AUTHOR',
      text: 'Did <@U0VENDOR|vendor> say when the joint review comes out? &lt;b&gt;',
    });
    const view = await eventually(() => openedViews()[0]);
    expect(view.callback_id).toBe(CALLBACKS.trackQuestionModal);
    // The text as it was typed: the mention as @name, Slack's escaping undone.
    expect(view.blocks.find((b) => b.block_id === TRACK_MODAL.text.block)?.element?.initial_value).toBe(
      'Did @vendor say when the joint review comes out? <b>',
    );
    expect(bot.fake.callsTo('chat.getPermalink')[0]?.body).toMatchObject({
      channel: 'C0GENERAL',
      message_ts: '1736960000.000200',
    });

    const submit = (userId: string, owner: string, due: string) =>
      submitTrack(view.private_metadata, userId, { text: 'When does the joint review come out?', owner, due });
    // The rules of assign and due: a member may not make someone else the owner, nor set a due date for them.
    const refused = await submit(MEMBER, OWNER, '2025-01-10');
    expect(refused).toMatchObject({ response_action: 'errors' });
    expect(refused?.errors?.[TRACK_MODAL.owner.block]).toMatch(/Only admins can make someone else a question’s owner/);
    // A date the picker cannot give (a forged submission) gets the calendar check of /summit due.
    const forged = await submit(ADMIN, OWNER, '2024-02-30');
    expect(forged?.errors?.[TRACK_MODAL.due.block]).toBe('Choose a real calendar date.');
    expect((await bot.store.state()).questions).toHaveLength(0);

    // An admin may; the form turns into the confirmation, naming the new question.
    const ack = (await submit(ADMIN, OWNER, '2025-01-10')) as unknown as {
      response_action: string;
      view: { blocks: { text: { type: string; text: string } }[] };
    };
    expect(ack.response_action).toBe('update');
    // Shown as Slack shows a message: mrkdwn, so people are mentions and links are links, not markup as text.
    expect(ack.view.blocks[0]?.text.type).toBe('mrkdwn');
    expect(ack.view.blocks[0]?.text.text).toMatch(/^Recorded: \*Q5\* added from the message\./);
    const state = await bot.store.state();
    expect(state.questions).toMatchObject([
      {
        questionId: 'Q5',
        text: 'When does the joint review come out?',
        message: {
          channel: 'C0GENERAL',
          ts: '1736960000.000200',
          author: 'U0AUTHOR',
          permalink: 'https://test.slack.com/archives/C0GENERAL/p1736960000000200',
        },
      },
    ]);
    expect(state.assignments.map((a) => [a.questionId, a.field, a.value])).toEqual([
      ['Q5', 'owner', OWNER],
      ['Q5', 'due', '2025-01-10'],
    ]);
    // A due date already past is allowed, and marked overdue at once; the line links the message.
    const list = await command('questions', MEMBER);
    expect(list).toContain('Q5');
    const blocks = JSON.stringify(
      await (
        await postSigned(bot.events, slashCommandBody('questions', { user_id: MEMBER }), { secret: SIGNING_SECRET })
      ).json(),
    );
    expect(blocks).toContain('overdue');
    expect(blocks).toContain('<https://test.slack.com/archives/C0GENERAL/p1736960000000200|from a Slack message>');
    expect(blocks).toContain(`<@${OWNER}>`);

    // The same message again: no second question, and the reply names the first.
    await shortcut(SHORTCUTS.trackQuestion, MEMBER, { ts: '1736960000.000200', user: 'U0AUTHOR', text: 'again' });
    const reply = await eventually(() =>
      bot.fake.callsTo('response_url').find((c) => String(c.body.text).includes('already tracked')),
    );
    expect(String(reply.body.text)).toBe('That message is already tracked as Q5.');
    expect(openedViews()).toHaveLength(1);
    expect((await bot.store.state()).questions).toHaveLength(1);
  });

  test('a member may track a question for themself, with a due date', async () => {
    await shortcut(SHORTCUTS.trackQuestion, MEMBER, { ts: '1736960000.000300', user: 'U0AUTHOR', text: 'Mine?' });
    const view = await eventually(() => openedViews()[0]);
    const ack = await submitTrack(view.private_metadata, MEMBER, { text: 'Mine?', owner: MEMBER, due: '2025-02-01' });
    expect(ack).toMatchObject({ response_action: 'update' });
    expect((await bot.store.state()).assignments.map((a) => [a.field, a.value])).toEqual([
      ['owner', MEMBER],
      ['due', '2025-02-01'],
    ]);
  });

  test('a shortcut where the bot cannot see the message (a private channel it is not in, a DM between people): what to do, nothing recorded', async () => {
    // chat.getPermalink answers channel_not_found there (api.slack.com/methods/chat.getPermalink).
    bot.fake.channel('C0SECRET', { private: true, member: false });
    await interact(
      messageShortcut({
        callbackId: SHORTCUTS.trackQuestion,
        userId: MEMBER,
        channelId: 'C0SECRET',
        message: { ts: '1736960000.000400', user: 'U0AUTHOR', text: 'Hidden?' },
        responseUrl: bot.fake.hookUrl('hidden'),
      }),
    );
    const reply = await eventually(() => bot.fake.callsTo('response_url')[0]);
    expect(String(reply.body.text)).toBe('I can’t see that message, so nothing was recorded.');
    expect(JSON.stringify(reply.body.blocks)).toContain('/invite @summit-bot');
    expect(JSON.stringify(reply.body.blocks)).toContain('/summit ask');
    expect(JSON.stringify(reply.body)).not.toMatch(/try again in a moment|went wrong/);
    expect(openedViews()).toHaveLength(0);
    expect((await bot.store.state()).questions).toHaveLength(0);
  });

  test('a message with no text (files only) cannot be tracked or used: a clear reply, nothing stored', async () => {
    await shortcut(SHORTCUTS.trackQuestion, MEMBER, {
      ts: '1.000300',
      user: 'U0AUTHOR',
      text: '',
      files: [{ id: 'F1' }],
    });
    await shortcut(SHORTCUTS.useAsAnswer, ADMIN, { ts: '1.000300', user: 'U0AUTHOR', files: [{ id: 'F1' }] });
    await eventually(() => (bot.fake.callsTo('response_url').length >= 2 ? true : undefined));
    expect(bot.fake.callsTo('response_url').map((c) => String(c.body.text))).toEqual([
      'That message has no text to track as a question (only files or attachments). Nothing was recorded.',
      'That message has no text to use as an answer (only files or attachments). Nothing was recorded.',
    ]);
    expect(openedViews()).toEqual([]);
    expect(await bot.store.auditLog()).toEqual([]);
  });

  test('a submitted form whose fields are wrong shows why beside them, and stores nothing', async () => {
    await shortcut(SHORTCUTS.trackQuestion, MEMBER, { ts: '1.000400', text: 'Why?' });
    const view = await eventually(() => openedViews()[0]);
    const ack = await submitTrack(view.private_metadata, MEMBER, { text: 'x'.repeat(501) });
    expect(ack).toEqual({
      response_action: 'errors',
      errors: { [TRACK_MODAL.text.block]: 'The question is 501 characters; at most 500.' },
    });
    expect(await bot.store.auditLog()).toEqual([]);
  });

  test('Use as answer (admins): the question, the answer from the message, and its first link as the source', async () => {
    await shortcut(SHORTCUTS.useAsAnswer, ADMIN, {
      ts: '1736960000.000500',
      user: 'U0AUTHOR',
      text: 'No total beyond the estimate, see <https://example.com/count|the count> and https://example.com/other',
    });
    const view = await eventually(() => openedViews()[0]);
    expect(view.callback_id).toBe(CALLBACKS.answerFromMessageModal);
    const field = (block: string) => view.blocks.find((b) => b.block_id === block)?.element;
    expect(field(FROM_MESSAGE_MODAL.answer.block)?.initial_value).toBe(
      'No total beyond the estimate, see the count and https://example.com/other',
    );
    expect(field(FROM_MESSAGE_MODAL.source.block)?.initial_value).toBe('https://example.com/count');
    // Only questions not fully answered are offered.
    expect(field(FROM_MESSAGE_MODAL.question.block)?.options?.map((o) => o.value)).toEqual(['Q2', 'Q3', 'Q4']);

    const values = {
      [FROM_MESSAGE_MODAL.question.block]: {
        [FROM_MESSAGE_MODAL.question.action]: { type: 'static_select', selected_option: { value: 'Q3' } },
      },
      [FROM_MESSAGE_MODAL.status.block]: {
        [FROM_MESSAGE_MODAL.status.action]: { type: 'radio_buttons', selected_option: { value: 'partial' } },
      },
      [FROM_MESSAGE_MODAL.answer.block]: {
        [FROM_MESSAGE_MODAL.answer.action]: { type: 'plain_text_input', value: 'No total beyond the estimate' },
      },
      [FROM_MESSAGE_MODAL.source.block]: {
        [FROM_MESSAGE_MODAL.source.action]: { type: 'plain_text_input', value: 'https://example.com/count' },
      },
    };
    expect(
      await interact(
        viewSubmission({
          callbackId: CALLBACKS.answerFromMessageModal,
          userId: ADMIN,
          metadata: view.private_metadata,
          values,
        }),
      ),
    ).toBeUndefined();
    expect((await bot.store.state()).changes).toMatchObject([
      {
        questionId: 'Q3',
        status: 'partial',
        answer: 'No total beyond the estimate',
        sourceUrl: 'https://example.com/count',
      },
    ]);
  });

  test('Use as answer with no link in the message takes its permalink as the source; a member is refused', async () => {
    await shortcut(SHORTCUTS.useAsAnswer, ADMIN, {
      ts: '1736960000.000600',
      text: 'It is answered in the meeting notes.',
    });
    const view = await eventually(() => openedViews()[0]);
    expect(view.blocks.find((b) => b.block_id === FROM_MESSAGE_MODAL.source.block)?.element?.initial_value).toBe(
      'https://test.slack.com/archives/C0GENERAL/p1736960000000600',
    );
    await shortcut(SHORTCUTS.useAsAnswer, MEMBER, { ts: '1736960000.000600', text: 'It is answered.' });
    const refusal = await eventually(() => bot.fake.callsTo('response_url')[0]);
    expect(String(refusal.body.text)).toMatch(/^Only admins can record answers/);
    expect(openedViews()).toHaveLength(1);
  });

  test('assign takes a mention as Slack sends it; bots, deactivated and unknown users are refused; the owner may set their due date', async () => {
    expect(await command('assign Q3 <@U0ROBOT|robot>', ADMIN)).toMatch(/^U0ROBOT is a bot/);
    expect(await command('assign Q3 <@U0GONE|gone>', ADMIN)).toMatch(/^U0GONE is deactivated/);
    expect(await command('assign Q3 <@U0NOBODY>', ADMIN)).toMatch(/^U0NOBODY is not a user of this workspace/);
    expect(await command(`assign Q3 <@${MEMBER}|bob>`, MEMBER)).toMatch(/^Only admins can assign questions/);
    expect((await bot.store.state()).assignments).toEqual([]);

    expect(await command(`assign Q3 <@${OWNER}|olive>`, ADMIN)).toBe('Q3 assigned.');
    // The owner may set the due date of their own question; someone else may not.
    expect(await command('due Q3 2025-02-01', MEMBER)).toMatch(/^Only admins can set due dates/);
    expect(await command('due Q3 2025-02-01', OWNER)).toBe('Q3 due 2025-02-01.');
    expect(await command('due Q3 2025-02-30', OWNER)).toMatch(/^"2025-02-30" is not a date/);
    expect(await command('mine', OWNER)).toBe('You own 1 open question.');
    expect((await bot.store.auditLog()).map((a) => [a.action, a.subject, a.actorId])).toEqual([
      ['question.owner', 'Q3', ADMIN],
      ['question.due', 'Q3', OWNER],
    ]);
  });

  test('Slack failing under a shortcut or an owner check: the person is told, nothing is stored', async () => {
    // chat.getPermalink answers message_not_found for a message deleted meanwhile
    // (https://api.slack.com/methods/chat.getPermalink, errors).
    bot.fake.on('chat.getPermalink', () => ({ ok: false, error: 'message_not_found' }));
    await shortcut(SHORTCUTS.trackQuestion, MEMBER, { ts: '1.000700', text: 'Gone?' });
    const told = await eventually(() => bot.fake.callsTo('response_url')[0]);
    expect(String(told.body.text)).toMatch(/^Sorry, something went wrong/);
    expect(openedViews()).toEqual([]);
    // users.info hangs while an owner is checked: the interactive deadline ends it, and the answer says so.
    bot.fake.fault('users.info', { kind: 'hang' }, (c) => c.body.user === OWNER);
    const started = Date.now();
    expect(await command(`assign Q3 <@${OWNER}|olive>`, ADMIN)).toMatch(/^Sorry, something went wrong/);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await bot.store.auditLog()).toEqual([]);
  });

  test('drop and merge: admins only, with unknown ids answered with the open ones', async () => {
    expect(await command('drop Q3 No one will publish it', MEMBER)).toMatch(/^Only admins can drop questions/);
    expect(await command('drop Q9 why', ADMIN)).toBe('No question Q9. Open: Q2, Q3, Q4.');
    expect(await command('merge Q4 into Q4', ADMIN)).toMatch(/^A question cannot be merged into itself/);
    expect(await command('drop Q3 No one will publish it', ADMIN)).toBe('Q3 marked not pursued.');
    expect(await command('merge Q4 into Q3', ADMIN)).toMatch(/^Q3 is not pursued, so it cannot take another question/);
    expect(await command('merge Q4 into Q2', ADMIN)).toBe('Q4 merged into Q2.');
    expect(await command('questions', MEMBER)).toBe('Questions not fully answered: Q2 (partly answered).');
  });

  test('Not pursued, pressed on a chase, opens the form; submitting records the reason', async () => {
    await interact({
      type: 'block_actions',
      team: { id: 'T0TEST' },
      user: { id: ADMIN, name: 'lia', team_id: 'T0TEST' },
      trigger_id: '1.2.3',
      container: { type: 'message', message_ts: '1.2', channel_id: 'D0LIA' },
      channel: { id: 'D0LIA' },
      response_url: bot.fake.hookUrl('np'),
      actions: [{ type: 'button', action_id: 'summit_drop_question', block_id: 'b', value: 'Q3', action_ts: '1.3' }],
    });
    const view = await eventually(() => openedViews()[0]);
    expect(view.callback_id).toBe(CALLBACKS.dropModal);
    await interact(
      viewSubmission({
        callbackId: CALLBACKS.dropModal,
        userId: ADMIN,
        metadata: view.private_metadata,
        values: {
          [DROP_MODAL.reason.block]: {
            [DROP_MODAL.reason.action]: { type: 'plain_text_input', value: 'Out of scope' },
          },
        },
      }),
    );
    expect((await bot.store.state()).changes).toMatchObject([
      { questionId: 'Q3', status: 'dropped', note: 'Out of scope' },
    ]);
  });

  test('the buttons of a chase are usable by its reader: the owner (not an admin) records the answer and marks their own question not pursued, audited', async () => {
    expect(await command(`assign Q3 <@${OWNER}|olive>`, ADMIN)).toBe('Q3 assigned.');
    expect(await command(`assign Q4 <@${OWNER}|olive>`, ADMIN)).toBe('Q4 assigned.');
    const press = (userId: string, actionId: string, value: string) =>
      interact(buttonPress({ actionId, value, userId, channelId: 'D0OLIVE', responseUrl: bot.fake.hookUrl('chase') }));
    // Someone else's question: refused, no form.
    await press(MEMBER, 'summit_record_answer', 'Q3');
    const refused = await eventually(() => bot.fake.callsTo('response_url')[0]);
    expect(String(refused.body.text)).toMatch(/^Only admins can record answers \(or the question’s owner/);
    expect(openedViews()).toEqual([]);
    // The owner: Record answer opens the form, and submitting records it.
    await press(OWNER, 'summit_record_answer', 'Q3');
    const form = await eventually(() => openedViews()[0]);
    expect(form.callback_id).toBe(CALLBACKS.recordAnswerModal);
    await interact(
      viewSubmission({
        callbackId: CALLBACKS.recordAnswerModal,
        userId: OWNER,
        metadata: form.private_metadata,
        values: {
          [ANSWER_MODAL.status.block]: {
            [ANSWER_MODAL.status.action]: { type: 'radio_buttons', selected_option: { value: 'answered' } },
          },
          [ANSWER_MODAL.answer.block]: {
            [ANSWER_MODAL.answer.action]: { type: 'plain_text_input', value: 'About 8.5M' },
          },
          [ANSWER_MODAL.source.block]: {
            [ANSWER_MODAL.source.action]: { type: 'plain_text_input', value: 'https://example.com/count' },
          },
        },
      }),
    );
    // Not pursued, typed, by the owner of Q4.
    expect(await command('drop Q4 Nobody will say', OWNER)).toBe('Q4 marked not pursued.');
    const state = await bot.store.state();
    expect(state.changes.map((c) => [c.questionId, c.status, c.actor.id])).toEqual([
      ['Q3', 'answered', OWNER],
      ['Q4', 'dropped', OWNER],
    ]);
    expect((await bot.store.auditLog()).filter((a) => a.actorId === OWNER).map((a) => a.subject)).toEqual(['Q3', 'Q4']);
  });
});
