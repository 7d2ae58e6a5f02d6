import { ManualClock } from '../../src/lib/clock';
import { parseIncident } from '../../src/incident/load';
import { ACTIONS, CALLBACKS, CURATE_MODAL, SHORTCUTS } from '../../src/views/ids';
import { startTestBot, SIGNING_SECRET, type TestBot } from '../helpers/bot';
import { datasetWith } from '../helpers/incident';
import { interactionBody, messageShortcut, postSigned, slashCommandBody } from '../helpers/slack-requests';
import { eventually } from '../helpers/wait';

/**
 * Running an incident from Slack, through the real Bolt receiver and a fake Slack Web API: /summit add opens the
 * form (views.open with the command's trigger_id), the form is submitted as Slack sends a view_submission, and what
 * it records shows in the read commands, "as of" before and after, with every version kept.
 *
 * Slack's contract used here (https://api.slack.com/surfaces/modals#interactions): a view_submission is answered
 * within 3 s by an empty 200 (the form closes) or by {"response_action": "errors", "errors": {block_id: message}},
 * which shows each message beside the input block with that id and keeps the form open.
 */

const ADMIN = 'U0ADMIN';
const MEMBER = 'U0MEMBER';

interface Ack {
  text?: string;
  blocks?: unknown[];
}

interface OpenedView {
  callback_id: string;
  private_metadata: string;
  title: { text: string };
  blocks: {
    type: string;
    block_id?: string;
    label?: { text: string };
    element?: {
      type: string;
      initial_value?: string;
      initial_date?: string;
      initial_option?: { value: string };
      options?: { value: string }[];
    };
  }[];
}

type Values = Record<string, Record<string, Record<string, unknown>>>;

describe('adding, correcting and retracting from Slack', () => {
  const clock = new ManualClock('2025-01-15T17:00:00Z');
  let bot: TestBot;

  beforeEach(async () => {
    clock.set('2025-01-15T17:00:00Z');
    bot = await startTestBot(
      parseIncident(
        datasetWith((d) => d.setIn(['admins'], [ADMIN])),
        'crowdstrike-2024.yaml',
      ),
      clock,
    );
    bot.fake.on('users.info', (c) => ({ ok: true, user: { id: c.body.user, is_admin: false, is_owner: false } }));
  });
  afterEach(() => bot.stop());

  const command = async (text: string, userId = ADMIN): Promise<Ack | undefined> => {
    const res = await postSigned(
      bot.events,
      slashCommandBody(text, { user_id: userId, user_name: 'ada', response_url: bot.fake.hookUrl() }),
      { secret: SIGNING_SECRET },
    );
    expect(res.status).toBe(200);
    const body = await res.text();
    return body === '' ? undefined : (JSON.parse(body) as Ack);
  };
  const interact = async (payload: Record<string, unknown>, timestamp?: number) => {
    const body = interactionBody(payload);
    const res = await postSigned(bot.events, body, { secret: SIGNING_SECRET, timestamp });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
  };
  /** The last form opened: what /summit add or /summit correct (or a button) asked Slack to show. */
  const lastView = async (count: number): Promise<OpenedView> => {
    const open = await eventually(() => bot.fake.callsTo('views.open')[count - 1]);
    return open.body.view as OpenedView;
  };
  const submit = (view: OpenedView, values: Values, userId = ADMIN, timestamp?: number) =>
    interact(
      {
        type: 'view_submission',
        team: { id: 'T0TEST' },
        user: { id: userId, name: 'ada', team_id: 'T0TEST' },
        api_app_id: 'A0SUMMIT',
        view: {
          id: 'V0CURATE',
          type: 'modal',
          callback_id: view.callback_id,
          private_metadata: view.private_metadata,
          state: { values },
        },
      },
      timestamp,
    );
  const text = (field: keyof typeof CURATE_MODAL, value: string | null) => ({
    [CURATE_MODAL[field].block]: { [CURATE_MODAL[field].action]: { type: 'plain_text_input', value } },
  });
  const picked = (field: keyof typeof CURATE_MODAL, value: string | null) => ({
    [CURATE_MODAL[field].block]: {
      [CURATE_MODAL[field].action]: { type: 'static_select', selected_option: value === null ? null : { value } },
    },
  });
  const day = (field: keyof typeof CURATE_MODAL, value: string | null) => ({
    [CURATE_MODAL[field].block]: { [CURATE_MODAL[field].action]: { type: 'datepicker', selected_date: value } },
  });
  const factValues = (words: string | null, source: string | null, topic = 'aftermath'): Values => ({
    ...picked('topic', topic),
    ...text('newTopic', null),
    ...text('text', words),
    ...picked('source', source),
  });
  const plain = (ack: Ack | undefined) => JSON.stringify(ack?.blocks ?? []);
  const factIdOf = (ack: Ack | undefined, words: string) =>
    new RegExp(`\`(f[a-z0-9]{5})\` ${words}`).exec(plain(ack))?.[1];

  test('an admin adds a fact: the form opens on /summit add fact, checks its fields, and the fact shows with its source', async () => {
    expect(await command('add fact')).toBeUndefined();
    const view = await lastView(1);
    expect(view.callback_id).toBe(CALLBACKS.curateModal);
    expect(bot.fake.callsTo('views.open')[0]?.body.trigger_id).toBe('1.2.abc');
    const labels = view.blocks.flatMap((b) => (b.label ? [b.label.text] : []));
    expect(labels).toEqual(['Topic', 'New topic', 'Text', 'Source']);
    // The sources published by now, newest first (the data set's source of June 2025 is not there yet).
    const sourceOptions = view.blocks.find((b) => b.block_id === CURATE_MODAL.source.block)?.element?.options ?? [];
    expect(sourceOptions.map((o) => o.value).slice(0, 2)).toEqual(['win-1119', 'win-0912']);
    expect(sourceOptions.map((o) => o.value)).not.toContain('win-0626');

    const bad = await submit(view, factValues('', null));
    expect(bad.body).toMatchObject({
      response_action: 'errors',
      errors: {
        [CURATE_MODAL.text.block]: 'Must not be empty.',
        [CURATE_MODAL.source.block]: 'Choose the source that says so.',
      },
    });
    expect((await bot.store.state()).curations).toEqual([]);

    const good = await submit(view, factValues('A third review was announced.', 'cs-rca'));
    expect(good.body).toBeUndefined();
    const facts = await command('facts aftermath');
    expect(plain(facts)).toContain('A third review was announced.');
    const id = factIdOf(facts, 'A third review was announced.');
    expect(id).toBeDefined();
    // A member sees the fact, not the ids or the buttons.
    const seen = await command('facts aftermath', MEMBER);
    expect(plain(seen)).toContain('A third review was announced.');
    expect(plain(seen)).not.toContain(ACTIONS.addItem);
    expect(plain(seen)).not.toContain(`\`${id}\``);
    // The admin's reply has the Add buttons.
    expect(plain(facts)).toContain(ACTIONS.addItem);
  });

  test('a correction is seen from its moment on; "as of" before it the first version shows; history lists both', async () => {
    await command('add fact');
    await submit(await lastView(1), factValues('First wording.', 'cs-rca'));
    const id = factIdOf(await command('facts aftermath'), 'First wording.') as string;

    clock.set('2025-01-16T09:00:00Z');
    expect(await command(`correct ${id}`)).toBeUndefined();
    const form = await lastView(2);
    expect(form.title.text).toBe('Correct fact');
    const textBlock = form.blocks.find((b) => b.block_id === CURATE_MODAL.text.block);
    expect(textBlock?.element?.initial_value).toBe('First wording.');
    expect(form.blocks.find((b) => b.block_id === CURATE_MODAL.source.block)?.element?.initial_option?.value).toBe(
      'cs-rca',
    );
    // Saving what it already says records nothing.
    const same = await submit(form, factValues('First wording.', 'cs-rca'));
    expect(same.body).toMatchObject({ response_action: 'errors' });
    expect(await submit(form, factValues('Second wording.', 'cs-rca'))).toMatchObject({ body: undefined });

    const now = plain(await command('facts aftermath'));
    expect(now).toContain('Second wording.');
    expect(now).not.toContain('First wording.');
    // As of a moment before the correction (the bot's clock set back): the first version, as it was known then.
    clock.set('2025-01-16T08:59:00Z');
    const before = plain(await command('facts aftermath'));
    expect(before).toContain('First wording.');
    expect(before).not.toContain('Second wording.');
    clock.set('2025-01-16T10:00:00Z');
    const history = plain(await command(`history ${id}`));
    expect(history).toContain('Version 1');
    expect(history).toContain('First wording.');
    expect(history).toContain('(corrected)');
    expect(history).toContain('Second wording.');
    expect(history).toContain(`<@${ADMIN}>`);
  });

  test('a stale form (the entry was corrected meanwhile) says so and records nothing; a form sent twice records once', async () => {
    await command('add fact');
    await submit(await lastView(1), factValues('Original.', 'cs-rca'));
    const id = factIdOf(await command('facts aftermath'), 'Original.') as string;
    await command(`correct ${id}`);
    const first = await lastView(2);
    await command(`correct ${id}`);
    const second = await lastView(3);
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await submit(second, factValues('Corrected once.', 'cs-rca'), ADMIN, timestamp)).body).toBeUndefined();
    // The same signed request again (Slack retrying): applied once.
    await submit(second, factValues('Corrected once.', 'cs-rca'), ADMIN, timestamp);
    expect((await bot.store.state()).curations.filter((c) => c.action === 'correct')).toHaveLength(1);
    const stale = await submit(first, factValues('Corrected from an old form.', 'cs-rca'));
    expect(stale.body).toMatchObject({ response_action: 'errors' });
    expect(JSON.stringify(stale.body)).toContain('was changed since the form was opened; nothing was recorded');
    expect((await bot.store.state()).curations).toHaveLength(2);
  });

  test('an Add fact form delivered twice as two signed requests (a retry, a double press) records one fact', async () => {
    await command('add fact');
    const form = await lastView(1);
    const now = Math.floor(Date.now() / 1000);
    // Each signed anew (another timestamp, so another signature): the same submission all the same.
    expect((await submit(form, factValues('Said twice.', 'cs-rca'), ADMIN, now - 1)).body).toBeUndefined();
    await submit(form, factValues('Said twice.', 'cs-rca'), ADMIN, now);
    expect((await bot.store.state()).curations.filter((c) => c.entry?.text === 'Said twice.')).toHaveLength(1);
  });

  test('retract withdraws an entry from now on, with its reason; before then it still shows', async () => {
    await command('add fact');
    await submit(await lastView(1), factValues('Soon withdrawn.', 'cs-rca'));
    const id = factIdOf(await command('facts aftermath'), 'Soon withdrawn.') as string;
    clock.set('2025-01-17T12:00:00Z');
    const done = await command(`retract ${id} the vendor withdrew the statement`);
    expect(done?.text).toBe(`Retracted fact ${id}: the vendor withdrew the statement`);
    expect(plain(await command('facts aftermath'))).not.toContain('Soon withdrawn.');
    clock.set('2025-01-17T11:00:00Z');
    expect(plain(await command('facts aftermath'))).toContain('Soon withdrawn.');
    // A source still cited cannot be retracted.
    expect((await command('retract cs-rca superseded'))?.text).toMatch(/^Source cs-rca is still cited by /);
    expect((await command('retract nosuch because'))?.text).toMatch(/^There is no source, fact/);
  });

  test('a source, a timeline entry and an expected update: each checked as the data set is', async () => {
    await command('add source');
    const sourceForm = await lastView(1);
    expect(sourceForm.blocks.flatMap((b) => (b.label ? [b.label.text] : []))).toEqual([
      'URL',
      'Title',
      'Publisher',
      'Date',
    ]);
    const sourceValues = (url: string, date: string) => ({
      ...text('url', url),
      ...text('title', 'Vendor statement'),
      ...text('publisher', 'Example Vendor'),
      ...day('date', date),
    });
    const refused = await submit(sourceForm, sourceValues('ftp://example.com/x', '2025-01-10'));
    expect(refused.body).toMatchObject({
      response_action: 'errors',
      errors: { [CURATE_MODAL.url.block]: 'Must be an http:// or https:// URL.' },
    });
    const future = await submit(sourceForm, sourceValues('https://example.com/x', '2025-01-20'));
    expect(future.body).toMatchObject({
      response_action: 'errors',
      errors: {
        [CURATE_MODAL.date.block]: 'A source cannot be dated after today (2025-01-15 in America/Los_Angeles).',
      },
    });
    expect((await submit(sourceForm, sourceValues('https://example.com/x', '2025-01-10'))).body).toBeUndefined();

    await command('add timeline');
    const timelineForm = await lastView(2);
    const sourceIds = timelineForm.blocks.find((b) => b.block_id === CURATE_MODAL.source.block)?.element?.options;
    expect(sourceIds?.[0]?.value).toBe('example-vendor-2025-01-10');
    const entry = (date: string) => ({
      ...day('when', date),
      ...text('text', 'The vendor issues a statement'),
      ...picked('source', 'example-vendor-2025-01-10'),
    });
    const later = await submit(timelineForm, entry('2025-01-16'));
    expect(later.body).toMatchObject({
      response_action: 'errors',
      errors: { [CURATE_MODAL.when.block]: 'A timeline entry cannot be later than now.' },
    });
    expect((await submit(timelineForm, entry('2025-01-10'))).body).toBeUndefined();
    expect(plain(await command('timeline'))).toContain('The vendor issues a statement');

    await command('add expected');
    const expectedForm = await lastView(3);
    expect(
      (
        await submit(expectedForm, {
          ...text('text', 'A follow-up report from the vendor'),
          ...day('expected', '2025-02-01'),
          [CURATE_MODAL.estimated.block]: { [CURATE_MODAL.estimated.action]: { selected_options: [] } },
          ...picked('source', 'example-vendor-2025-01-10'),
        })
      ).body,
    ).toBeUndefined();
    const updates = plain(await command('updates'));
    expect(updates).toContain('A follow-up report from the vendor');
    expect(updates).toContain('a-follow-up-report-from-the-ve');
  });

  test('correcting an expected update keeps what its form does not show: its receipt stays, no nudge restarts', async () => {
    expect(plain(await command('updates'))).not.toContain('Still expected');
    await command('correct post-summit');
    const form = await lastView(1);
    expect(form.blocks.find((b) => b.block_id === CURATE_MODAL.text.block)?.element?.initial_value).toContain(
      "Microsoft's update on the summit discussions",
    );
    const done = await submit(form, {
      ...text('text', "Microsoft's update on what the summit discussed"),
      ...day('expected', '2024-09-11'),
      [CURATE_MODAL.estimated.block]: {
        [CURATE_MODAL.estimated.action]: { selected_options: [{ value: 'estimated' }] },
      },
      ...picked('source', 'win-summit'),
    });
    expect(done.body).toBeUndefined();
    const updates = plain(await command('updates'));
    expect(updates).not.toContain('Still expected');
    expect((await bot.store.state()).curations[0]?.entry).toMatchObject({
      text: "Microsoft's update on what the summit discussed",
      received: { at: '2024-09-12', source: 'win-0912' },
    });
  });

  test('a form Slack will not open (its trigger expired) says so by response_url and records nothing', async () => {
    // views.open answers {"ok": false, "error": "expired_trigger_id"} when the trigger_id is older than 3 seconds
    // (https://api.slack.com/methods/views.open#errors).
    bot.fake.on('views.open', () => ({ ok: false, error: 'expired_trigger_id' }));
    expect(await command('add fact')).toBeUndefined();
    const told = await eventually(() => bot.fake.callsTo('response_url')[0]);
    expect(String(told.body.text)).toMatch(/^Sorry, something went wrong answering that, and nothing was changed/);
    expect((await bot.store.state()).curations).toEqual([]);
  });

  test("the message shortcut Add as source opens the Add source form with the message's link", async () => {
    const shortcut = (userId: string, ts: string, text: string) =>
      interact(
        messageShortcut({
          callbackId: SHORTCUTS.addAsSource,
          userId,
          channelId: 'C0GENERAL',
          message: { ts, text },
          responseUrl: bot.fake.hookUrl('m'),
        }),
      );
    await shortcut(ADMIN, '1736960000.000100', 'The vendor posted <https://example.com/post|its statement> today');
    const view = await lastView(1);
    expect(view.callback_id).toBe(CALLBACKS.curateModal);
    expect(view.blocks.find((b) => b.block_id === CURATE_MODAL.url.block)?.element?.initial_value).toBe(
      'https://example.com/post',
    );
    // A member's shortcut opens nothing.
    await shortcut(MEMBER, '1736960000.000200', 'https://example.com/other');
    const refusal = await eventually(() => bot.fake.callsTo('response_url')[0]);
    expect(String(refusal.body.text)).toMatch(/^Only admins can add to an incident/);
    expect(bot.fake.callsTo('views.open')).toHaveLength(1);
  });

  test('a member is refused the commands, never sees the buttons, and a forged submission records nothing', async () => {
    expect((await command('add fact', MEMBER))?.text).toMatch(/^Only admins can add to an incident/);
    expect((await command('retract cs-pir no', MEMBER))?.text).toMatch(/^Only admins can/);
    expect(bot.fake.callsTo('views.open')).toEqual([]);
    await command('add fact');
    const forged = await submit(await lastView(1), factValues('Forged.', 'cs-rca'), MEMBER);
    expect(forged.body).toMatchObject({ response_action: 'errors' });
    expect((await bot.store.state()).curations).toEqual([]);
    // A pressed Add button (forged: members never get one) is refused too.
    await interact({
      type: 'block_actions',
      team: { id: 'T0TEST' },
      user: { id: MEMBER, name: 'mo', team_id: 'T0TEST' },
      api_app_id: 'A0SUMMIT',
      trigger_id: '9.9.9',
      channel: { id: 'C0GENERAL' },
      response_url: bot.fake.hookUrl(),
      actions: [{ action_id: ACTIONS.addItem, value: 'fact', type: 'button', block_id: 'b', action_ts: '1' }],
    });
    expect(bot.fake.callsTo('views.open')).toHaveLength(1);
  });
});
