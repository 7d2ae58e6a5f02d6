import { splitScoped } from '../../src/views/scope';
import { ManualClock } from '../../src/lib/clock';
import { ACTIONS, ANSWER_MODAL, CALLBACKS, UPDATE_MODAL } from '../../src/views/ids';
import { startTestBot, SIGNING_SECRET, type TestBot } from '../helpers/bot';
import { datasetWith } from '../helpers/incident';
import { parseIncident } from '../../src/incident/load';
import { buttonPress, eventBody, interactionBody, postSigned, slashCommandBody } from '../helpers/slack-requests';
import { eventually } from '../helpers/wait';

const LISTED_ADMIN = 'U0LISTED';
const WORKSPACE_ADMIN = 'U0WSADMIN';
const MEMBER = 'U0MEMBER';

interface Ack {
  response_type?: string;
  text?: string;
  blocks?: {
    type: string;
    accessory?: { action_id: string; value: string };
    elements?: { action_id: string; value: string }[];
  }[];
}

describe('follow-up state through the real Bolt receiver and a fake Slack Web API', () => {
  const clock = new ManualClock('2025-01-15T17:00:00Z');
  let bot: TestBot;

  beforeEach(async () => {
    const incident = parseIncident(
      datasetWith((d) => d.setIn(['admins'], [LISTED_ADMIN])),
      'summit.yaml',
    );
    bot = await startTestBot(incident, clock);
    bot.fake.on('users.info', (c) => ({
      ok: true,
      user: { id: c.body.user, is_admin: c.body.user === WORKSPACE_ADMIN, is_owner: false },
    }));
  });
  afterEach(() => bot.stop());

  const command = async (text: string, userId: string, userName = 'someone'): Promise<Ack> => {
    const res = await postSigned(
      bot.events,
      slashCommandBody(text, { user_id: userId, user_name: userName, response_url: bot.fake.hookUrl() }),
      { secret: SIGNING_SECRET },
    );
    expect(res.status).toBe(200);
    return (await res.json()) as Ack;
  };
  const interact = async (payload: Record<string, unknown>) => {
    const res = await postSigned(bot.events, interactionBody(payload), { secret: SIGNING_SECRET });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
  };

  test('an admin listed in the data set records an answer; the Home tab is republished for them', async () => {
    const ack = await command('answer Q3 No total was ever published https://example.com/n', LISTED_ADMIN, 'lia');
    expect(ack.text).toBe('Q3 marked answered.');
    expect(JSON.stringify(ack.blocks)).toContain('(recorded by lia)');
    expect((await bot.store.state()).changes).toMatchObject([
      { questionId: 'Q3', status: 'answered', actor: { id: LISTED_ADMIN, name: 'lia' } },
    ]);
    const publish = await eventually(() => bot.fake.callsTo('views.publish')[0]);
    expect(publish.body.user_id).toBe(LISTED_ADMIN);
    expect(JSON.stringify(publish.body.view)).toContain('Questions not fully answered (2)');
    // A listed admin needs no users.info call.
    expect(bot.fake.callsTo('users.info').filter((c) => c.body.user === LISTED_ADMIN)).toEqual([]);
  });

  test('a workspace admin (users.info) may record; the answer is cached for the next command', async () => {
    expect((await command('partial Q4 Vendor choice stays', WORKSPACE_ADMIN)).text).toBe('Q4 marked partly answered.');
    expect((await command('reopen Q4 withdrawn', WORKSPACE_ADMIN)).text).toBe('Q4 reopened.');
    expect(bot.fake.callsTo('users.info')).toHaveLength(1);
  });

  test('a member is refused politely, told who may, and nothing changes', async () => {
    for (const text of ['answer Q3 yes', 'partial Q3 some', 'reopen Q1', 'update news']) {
      const ack = await command(text, MEMBER);
      expect(ack.text).toMatch(/^Only admins can .*Nothing was changed\.$/);
      expect(JSON.stringify(ack.blocks)).toContain(`<@${LISTED_ADMIN}>`);
    }
    expect(await bot.store.auditLog()).toEqual([]);
    expect(bot.fake.callsTo('views.publish')).toEqual([]);
  });

  test('each recording and reading command answers', async () => {
    expect((await command('ask Will there be a second summit?', MEMBER, 'mo')).text).toBe(
      'Added Q5: Will there be a second summit?',
    );
    expect((await command('update post-summit A new note https://example.com/x', LISTED_ADMIN)).text).toBe(
      'Update recorded for post-summit (it had already been received: this is a further update).',
    );
    expect((await command('updates', MEMBER)).text).toMatch(/^2 updates recorded; 0 expected updates outstanding\.$/);
    // The notification text counts what the body lists: here the one line "asked".
    expect((await command('history Q5', MEMBER)).text).toBe('Q5: open. 1 change.');
    expect((await command('answer Q9 yes', LISTED_ADMIN)).text).toBe('No question Q9. Open: Q2, Q3, Q4, Q5.');
    expect((await command('answer Q3 see javascript:alert(1)', LISTED_ADMIN)).text).toMatch(
      /The source must be an http:\/\/ or https:\/\/ URL/,
    );
  });

  test('hostile text is stored as typed and never pings or disguises a link', async () => {
    // What Slack sends (should_escape on) when someone types "@channel @bob bank" with bank linked, and when
    // someone types the markup itself: each is stored as it was typed.
    const sent = [
      ['<!channel> <@U123|bob> <https://evil.example|bank>', '@channel @bob bank'],
      [
        '&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|bank&gt;',
        '<!channel> <@U123> <https://evil.example|bank>',
      ],
    ];
    for (const [text] of sent) {
      const ack = await command(`ask ${text}`, MEMBER);
      expect(JSON.stringify(ack)).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil/);
    }
    const stored = (await bot.store.state()).questions.map((q) => q.text);
    expect(stored).toEqual(sent.map(([, typed]) => typed));
    const list = await command('questions', MEMBER);
    expect(JSON.stringify(list)).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil/);
    expect(JSON.stringify(list)).toContain('&lt;!channel&gt;');
    expect(JSON.stringify(list)).toContain('@channel @bob bank');
  });

  test('every ephemeral reply that shows something has "Share in channel"; pressing it posts the reply, naming who shared', async () => {
    const ack = await command('questions', MEMBER);
    const share = ack.blocks?.flatMap((b) => b.elements ?? []).find((e) => e.action_id === ACTIONS.shareReply);
    expect(share?.value).toBe('crowdstrike-2024 questions');
    const res = await interact(
      buttonPress({
        actionId: ACTIONS.shareReply,
        value: share?.value ?? '',
        userId: MEMBER,
        channelId: 'C0GENERAL',
        responseUrl: bot.fake.hookUrl('share'),
      }),
    );
    expect(res.status).toBe(200);
    const post = await eventually(() => bot.fake.callsTo('chat.postMessage')[0]);
    expect(post.body.channel).toBe('C0GENERAL');
    expect(JSON.stringify(post.body.blocks)).toContain(`Shared by <@${MEMBER}>`);
    expect(JSON.stringify(post.body.blocks)).toContain('Questions not fully answered');
    // The shared message has no buttons of its own.
    expect(JSON.stringify(post.body.blocks)).not.toContain(ACTIONS.shareReply);
  });

  test.each([
    // Every kind of reply that carries "Share in channel", by the command that makes it; the button's value is
    // the command it re-runs in the channel it is pressed in, its incident named first.
    ['status', 'status', 'Windows Endpoint Security Ecosystem Summit'],
    ['facts summit', 'facts summit', 'Facts'],
    ['when', 'when', 'Tuesday, September 10, 2024'],
    ['questions all', 'questions all', 'All questions'],
    ['timeline', 'timeline', 'Timeline'],
    ['updates', 'updates', 'Updates'],
    ['history Q2', 'history Q2', 'Q2'],
    ['help', 'help', 'summit-bot commands'],
    ['schedule', 'schedule', 'reminders'],
    ['remind me', 'schedule', 'reminders'],
  ])(
    'the share button on the reply to "%s" (value "%s") posts that reply in the channel',
    async (text, value, shown) => {
      const ack = await command(text, MEMBER);
      const share = ack.blocks?.flatMap((b) => b.elements ?? []).find((e) => e.action_id === ACTIONS.shareReply);
      expect(share?.value).toBe(`crowdstrike-2024 ${value}`);
      await interact(
        buttonPress({
          actionId: ACTIONS.shareReply,
          value: share?.value ?? '',
          userId: MEMBER,
          channelId: 'C0GENERAL',
          responseUrl: bot.fake.hookUrl('share'),
        }),
      );
      const post = await eventually(() => bot.fake.callsTo('chat.postMessage')[0]);
      expect(post.body.channel).toBe('C0GENERAL');
      expect(JSON.stringify(post.body.blocks)).toContain(shown);
      expect(bot.fake.callsTo('response_url').filter((c) => String(c.body.text).includes('cannot be shared'))).toEqual(
        [],
      );
    },
  );

  test('sharing where the bot cannot post explains how to invite it', async () => {
    bot.fake.on('chat.postMessage', () => ({ ok: false, error: 'not_in_channel' }));
    await interact(
      buttonPress({
        actionId: ACTIONS.shareReply,
        value: 'status',
        userId: MEMBER,
        channelId: 'G0PRIVATE',
        responseUrl: bot.fake.hookUrl('share'),
      }),
    );
    const reply = await eventually(() => bot.fake.callsTo('response_url')[0]);
    expect(String(reply.body.text)).toContain('/invite @summit-bot');
  });

  test('a share button can only re-run a reading command', async () => {
    await interact(
      buttonPress({
        actionId: ACTIONS.shareReply,
        value: 'answer Q3 forged',
        userId: MEMBER,
        channelId: 'C0GENERAL',
        responseUrl: bot.fake.hookUrl('share'),
      }),
    );
    await eventually(() => bot.fake.callsTo('response_url')[0]);
    expect(bot.fake.callsTo('chat.postMessage')).toEqual([]);
    expect(await bot.store.auditLog()).toEqual([]);
  });

  test('"Record answer" (admins) opens the modal; a member gets a refusal instead', async () => {
    const ack = await command('questions', LISTED_ADMIN);
    const button = ack.blocks?.find((b) => b.accessory?.action_id === ACTIONS.recordAnswer)?.accessory;
    // The button names its incident; a press without one (made before incidents) is about the only incident.
    expect(button?.value).toBe('crowdstrike-2024|Q2');
    expect(
      (await command('questions', MEMBER)).blocks?.some((b) => b.accessory?.action_id === ACTIONS.recordAnswer),
    ).toBe(false);

    await interact(
      buttonPress({
        actionId: ACTIONS.recordAnswer,
        value: 'Q3',
        userId: LISTED_ADMIN,
        channelId: 'C0GENERAL',
        responseUrl: bot.fake.hookUrl('b'),
      }),
    );
    const open = await eventually(() => bot.fake.callsTo('views.open')[0]);
    expect(open.body.trigger_id).toBe('111.222.trigger');
    const view = open.body.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(CALLBACKS.recordAnswerModal);
    const metadata = splitScoped(view.private_metadata);
    expect(metadata.incidentId).toBe('crowdstrike-2024');
    expect(JSON.parse(metadata.value)).toEqual({ questionId: 'Q3', channelId: 'C0GENERAL' });

    await interact(
      buttonPress({
        actionId: ACTIONS.recordAnswer,
        value: 'Q3',
        userId: MEMBER,
        channelId: 'C0GENERAL',
        responseUrl: bot.fake.hookUrl('m'),
      }),
    );
    const refusal = await eventually(() => bot.fake.callsTo('response_url')[0]);
    expect(String(refusal.body.text)).toMatch(/^Only admins can record answers/);
    expect(bot.fake.callsTo('views.open')).toHaveLength(1);
  });

  const submission = (
    userId: string,
    values: { status?: string; answer?: string; source?: string },
    meta = { questionId: 'Q3', channelId: 'C0GENERAL' },
  ) => ({
    type: 'view_submission',
    team: { id: 'T0TEST' },
    user: { id: userId, name: 'lia', team_id: 'T0TEST' },
    api_app_id: 'A0SUMMIT',
    token: 'deprecated',
    trigger_id: '1.2.3',
    view: {
      id: 'V0MODAL',
      type: 'modal',
      callback_id: CALLBACKS.recordAnswerModal,
      private_metadata: JSON.stringify(meta),
      state: {
        values: {
          [ANSWER_MODAL.status.block]: {
            [ANSWER_MODAL.status.action]: {
              type: 'radio_buttons',
              selected_option: values.status ? { value: values.status } : null,
            },
          },
          [ANSWER_MODAL.answer.block]: {
            [ANSWER_MODAL.answer.action]: { type: 'plain_text_input', value: values.answer ?? null },
          },
          [ANSWER_MODAL.source.block]: {
            [ANSWER_MODAL.source.action]: { type: 'plain_text_input', value: values.source ?? null },
          },
        },
      },
    },
  });

  test('a modal submission that fails validation shows errors inline and stores nothing', async () => {
    const res = await interact(
      submission(LISTED_ADMIN, { status: 'answered', answer: '   ', source: 'javascript:alert(1)' }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      response_action: 'errors',
      errors: {
        [ANSWER_MODAL.answer.block]: 'Write the answer.',
        [ANSWER_MODAL.source.block]: 'The source must be an http:// or https:// URL, not "javascript:alert(1)".',
      },
    });
    expect(await bot.store.auditLog()).toEqual([]);
  });

  test('a member cannot record through a submitted modal either', async () => {
    const res = await interact(submission(MEMBER, { status: 'answered', answer: 'yes' }));
    expect(res.body?.response_action).toBe('errors');
    expect(await bot.store.auditLog()).toEqual([]);
  });

  test('a valid modal submission records the answer, confirms in the channel, and republishes Home', async () => {
    const res = await interact(
      submission(LISTED_ADMIN, { status: 'partial', answer: 'A partial count', source: 'https://example.com/c' }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toBeUndefined();
    expect((await bot.store.state()).changes).toMatchObject([
      { questionId: 'Q3', status: 'partial', answer: 'A partial count', sourceUrl: 'https://example.com/c' },
    ]);
    const confirm = await eventually(() => bot.fake.callsTo('chat.postEphemeral')[0]);
    expect(confirm.body).toMatchObject({ channel: 'C0GENERAL', user: LISTED_ADMIN });
    await eventually(() => bot.fake.callsTo('views.publish')[0]);
  });

  test('app_home_opened publishes the Home tab: countdown, open questions with buttons, updates, within 100 blocks', async () => {
    const res = await postSigned(
      bot.events,
      eventBody({ type: 'app_home_opened', user: LISTED_ADMIN, channel: 'D0HOME', tab: 'home', event_ts: '1.1' }),
      { secret: SIGNING_SECRET },
      'application/json',
    );
    expect(res.status).toBe(200);
    const publish = await eventually(() => bot.fake.callsTo('views.publish')[0]);
    const view = publish.body.view as { type: string; blocks: { accessory?: { action_id: string } }[] };
    expect(view.type).toBe('home');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const json = JSON.stringify(view);
    expect(json).toContain('took place');
    expect(json).toContain('Latest updates');
    expect(json).toContain('Expected updates');
    expect(view.blocks.filter((b) => b.accessory?.action_id === ACTIONS.recordAnswer)).toHaveLength(3);
  });

  test('the messages tab does not publish Home', async () => {
    await postSigned(
      bot.events,
      eventBody({ type: 'app_home_opened', user: MEMBER, channel: 'D0HOME', tab: 'messages', event_ts: '1.1' }),
      { secret: SIGNING_SECRET },
      'application/json',
    );
    // A Home-tab event from someone else after it is the barrier: once its publish arrives, the first event was
    // handled long before, and published nothing.
    await postSigned(
      bot.events,
      eventBody({ type: 'app_home_opened', user: LISTED_ADMIN, channel: 'D0HOME2', tab: 'home', event_ts: '1.2' }),
      { secret: SIGNING_SECRET },
      'application/json',
    );
    await eventually(() => bot.fake.callsTo('views.publish')[0]);
    expect(bot.fake.callsTo('views.publish').map((c) => c.body.user_id)).toEqual([LISTED_ADMIN]);
  });

  describe('reminder buttons', () => {
    test('"Open questions" shows the open questions to whoever pressed it', async () => {
      await interact(
        buttonPress({
          actionId: ACTIONS.openQuestions,
          value: 'questions',
          userId: MEMBER,
          channelId: 'C0GENERAL',
          responseUrl: bot.fake.hookUrl('oq'),
        }),
      );
      const reply = await eventually(() => bot.fake.callsTo('response_url')[0]);
      expect(reply.body.response_type).toBe('ephemeral');
      expect(reply.body.replace_original).toBe(false);
      expect(JSON.stringify(reply.body.blocks)).toContain('Questions not fully answered');
    });

    test('"Snooze 1 day" snoozes that series for that channel (or, in a DM, that person)', async () => {
      await interact(
        buttonPress({
          actionId: ACTIONS.snooze,
          value: 'nudge:post-summit',
          userId: LISTED_ADMIN,
          channelId: 'C0GENERAL',
          responseUrl: bot.fake.hookUrl('s1'),
        }),
      );
      await interact(
        buttonPress({
          actionId: ACTIONS.snooze,
          value: 'countdown',
          userId: MEMBER,
          channelId: 'D0DM',
          responseUrl: bot.fake.hookUrl('s2'),
        }),
      );
      await eventually(() => (bot.fake.callsTo('response_url').length === 2 ? true : undefined));
      const snoozes = await bot.store.reminders.snoozes();
      const day = new Date(clock.now().getTime() + 86_400_000).toISOString();
      expect(snoozes.get('nudge:post-summit channel:C0GENERAL')?.toISOString()).toBe(day);
      expect(snoozes.get(`countdown user:${MEMBER}`)?.toISOString()).toBe(day);
    });

    test('snoozing a channel needs the permission subscribing it needs; a forged series is refused; nothing stored', async () => {
      await interact(
        buttonPress({
          actionId: ACTIONS.snooze,
          value: 'countdown',
          userId: MEMBER,
          channelId: 'C0GENERAL',
          responseUrl: bot.fake.hookUrl('s3'),
        }),
      );
      expect(String((await eventually(() => bot.fake.callsTo('response_url')[0])).body.text)).toMatch(
        /^Only admins can snooze a channel’s reminders/,
      );
      await interact(
        buttonPress({
          actionId: ACTIONS.snooze,
          value: 'x'.repeat(100_000),
          userId: LISTED_ADMIN,
          channelId: 'C0GENERAL',
          responseUrl: bot.fake.hookUrl('s4'),
        }),
      );
      expect(String((await eventually(() => bot.fake.callsTo('response_url')[1])).body.text)).toMatch(
        /nothing to snooze/,
      );
      expect((await bot.store.reminders.snoozes()).size).toBe(0);
      expect(await bot.store.auditLog()).toEqual([]);
    });

    test('"Record update" opens the update modal for admins; its submission records the update', async () => {
      await interact(
        buttonPress({
          actionId: ACTIONS.recordUpdate,
          value: 'post-summit',
          userId: MEMBER,
          channelId: 'C0GENERAL',
          responseUrl: bot.fake.hookUrl('ru'),
        }),
      );
      expect(String((await eventually(() => bot.fake.callsTo('response_url')[0])).body.text)).toMatch(
        /^Only admins can record updates/,
      );
      await interact(
        buttonPress({
          actionId: ACTIONS.recordUpdate,
          value: 'post-summit',
          userId: LISTED_ADMIN,
          channelId: 'C0GENERAL',
          responseUrl: bot.fake.hookUrl('ru2'),
        }),
      );
      const open = await eventually(() => bot.fake.callsTo('views.open')[0]);
      const view = open.body.view as { callback_id: string; private_metadata: string };
      expect(view.callback_id).toBe(CALLBACKS.recordUpdateModal);
      const submit = (text: string | null, url: string | null) =>
        interact({
          type: 'view_submission',
          team: { id: 'T0TEST' },
          user: { id: LISTED_ADMIN, name: 'lia', team_id: 'T0TEST' },
          api_app_id: 'A0SUMMIT',
          view: {
            id: 'V1',
            type: 'modal',
            callback_id: CALLBACKS.recordUpdateModal,
            private_metadata: view.private_metadata,
            state: {
              values: {
                [UPDATE_MODAL.text.block]: { [UPDATE_MODAL.text.action]: { value: text } },
                [UPDATE_MODAL.url.block]: { [UPDATE_MODAL.url.action]: { value: url } },
              },
            },
          },
        });
      const bad = await submit('', 'nope');
      expect(bad.body).toMatchObject({
        response_action: 'errors',
        errors: {
          [UPDATE_MODAL.text.block]: 'Write the update.',
          [UPDATE_MODAL.url.block]: 'The source must be an http:// or https:// URL, not "nope".',
        },
      });
      expect((await bot.store.state()).updates).toEqual([]);
      const good = await submit('Microsoft posted a summary', 'https://example.com/s');
      expect(good.body).toBeUndefined();
      expect((await bot.store.state()).updates).toMatchObject([
        { expectedId: 'post-summit', text: 'Microsoft posted a summary', url: 'https://example.com/s' },
      ]);
    });
  });
});
