import { ManualClock } from '../../src/lib/clock';
import { parseIncident } from '../../src/incident/load';
import type { Incident } from '../../src/incident/model';
import { ACTIONS, CALLBACKS, CURATE_MODAL } from '../../src/views/ids';
import { startTestBot, SIGNING_SECRET, type TestBot } from '../helpers/bot';
import { datasetWith, minimalDataset } from '../helpers/incident';
import { interactionBody, postSigned, slashCommandBody, viewSubmission } from '../helpers/slack-requests';
import { eventually } from '../helpers/wait';

/**
 * Lists longer than Slack's limits stay whole, through the real receiver and a fake Slack that refuses what Slack
 * refuses (every payload checked: test/helpers/slack-rules.ts). Past 100, a menu is an external_select: Slack asks
 * the app for its options as the person types, with a block_suggestion to the interactivity's options load URL
 * (the same Request URL here), answered within 3 seconds by {"options": [...]} with at most 100
 * (https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#external_select;
 * https://docs.slack.dev/reference/interaction-payloads/block_suggestion-payload).
 */

const ALICE = 'U0ALICE01';
const ADMIN = 'U0ADMIN';

function numbered(n: number, extra: Record<string, unknown> = {}): Incident {
  const id = `outage-${String(n).padStart(3, '0')}`;
  return parseIncident(
    minimalDataset(
      { name: `Review ${n}`, date: '2026-11-20' },
      {
        id,
        incident: { title: `Outage number ${n}`, summary: 'A made-up outage, for tests.', sources: [source(1)] },
        ...extra,
      },
    ),
    `${id}.yaml`,
  );
}

function source(i: number) {
  const day = new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  return {
    id: `s${i}`,
    title: `Source ${i}`,
    publisher: `Publisher ${i}`,
    date: day,
    url: `https://example.com/s/${i}`,
  };
}

interface Block {
  type: string;
  block_id?: string;
  element?: { type: string; action_id?: string; initial_option?: { value: string }; options?: unknown[] };
  elements?: { type: string; action_id?: string; options?: unknown[] }[];
  text?: { text: string };
}

describe('lists longer than Slack allows', () => {
  const clock = new ManualClock('2026-12-01T17:00:00Z');
  let bot: TestBot;
  // A bot that did not start (a data set refused) has nothing to stop.
  afterEach(async () => {
    const running = bot as TestBot | undefined;
    bot = undefined as unknown as TestBot;
    await running?.stop();
  });

  const command = async (text: string, userId = ALICE, channel = 'C0LONG') => {
    const res = await postSigned(
      bot.events,
      slashCommandBody(text, { user_id: userId, channel_id: channel, response_url: bot.fake.hookUrl() }),
      { secret: SIGNING_SECRET },
    );
    expect(res.status).toBe(200);
    const body = await res.text();
    return body === '' ? undefined : (JSON.parse(body) as { text: string; blocks: Block[] });
  };
  const interact = async (payload: Record<string, unknown>) => {
    const res = await postSigned(bot.events, interactionBody(payload), { secret: SIGNING_SECRET });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
  };
  /** A block_actions payload of one action on an ephemeral message in C0LONG, as Slack posts it. */
  const press = (userId: string, hook: string, action: Record<string, unknown>) =>
    interact({
      type: 'block_actions',
      user: { id: userId, username: 'someone', name: 'someone', team_id: 'T0TEST' },
      team: { id: 'T0TEST', domain: 'test' },
      api_app_id: 'A0SUMMIT',
      trigger_id: '1.2.3',
      container: { type: 'message', message_ts: '1.2', channel_id: 'C0LONG', is_ephemeral: true },
      channel: { id: 'C0LONG', name: 'long' },
      response_url: bot.fake.hookUrl(hook),
      actions: [action],
    });
  const suggest = (o: { actionId: string; blockId: string; value: string; view?: Record<string, unknown> }) =>
    interact({
      type: 'block_suggestion',
      user: { id: ALICE, name: 'alice', team_id: 'T0TEST' },
      team: { id: 'T0TEST', domain: 'test' },
      api_app_id: 'A0SUMMIT',
      action_id: o.actionId,
      block_id: o.blockId,
      value: o.value,
      ...(o.view
        ? { view: o.view, container: { type: 'view', view_id: 'V0FORM' } }
        : { container: { type: 'message' } }),
    });

  test('120 incidents: the menu is filled as people type, and a 500-character question asked through it is recorded whole', async () => {
    const incidents = Array.from({ length: 120 }, (_, i) => numbered(i + 1));
    bot = await startTestBot(incidents, clock);
    const question = `Why did the control plane fail${' and then fail again'.repeat(30)}`.slice(0, 499) + '?';
    expect(question).toHaveLength(500);
    const reply = await command(`ask ${question}`);
    const menu = reply?.blocks.find((b) => b.type === 'actions');
    const select = menu?.elements?.[0];
    expect(select?.type).toBe('external_select');
    expect(select?.options).toBeUndefined();
    // Slack asks for the options as Alice types "117": the bot answers with that incident among them.
    const typed = await suggest({ actionId: ACTIONS.chooseIncident, blockId: menu?.block_id ?? '', value: '117' });
    const options = (typed.body?.options ?? []) as { value: string; text: { text: string } }[];
    expect(options.map((o) => o.value)).toEqual(['outage-117']);
    // Nothing typed: the first 100, as Slack allows.
    const all = await suggest({ actionId: ACTIONS.chooseIncident, blockId: menu?.block_id ?? '', value: '' });
    expect((all.body?.options as unknown[]).length).toBe(100);
    // She chooses it: the question is recorded whole, in incident 117.
    await press(ALICE, 'choice', {
      type: 'external_select',
      action_id: ACTIONS.chooseIncident,
      block_id: menu?.block_id,
      selected_option: { text: { type: 'plain_text', text: 'outage-117' }, value: 'outage-117' },
      action_ts: '1.3',
    });
    const answered = await eventually(() => bot.fake.callsTo('response_url')[0]);
    expect(String(answered.body.text)).toMatch(/^Added Q1: Why did the control plane fail/);
    const state = await bot.store.scoped('outage-117').state();
    expect(state.questions.map((q) => q.text)).toEqual([question]);
  });

  test('158 sources: correcting a fact that cites the oldest opens with it chosen; the others come as typed', async () => {
    const sources = Array.from({ length: 158 }, (_, i) => source(i + 1));
    const incident = parseIncident(
      minimalDataset(
        { name: 'Review', date: '2026-11-20', source: 's1' },
        {
          id: 'many-sources',
          admins: [ADMIN],
          incident: {
            title: 'An outage with many sources',
            summary: 'A made-up outage, for tests.',
            sources,
            facts: [{ id: 'oldest-fact', topic: 'outage', text: 'Cited from the oldest source.', source: 's1' }],
          },
        },
      ),
      'many-sources.yaml',
    );
    bot = await startTestBot(incident, clock);
    bot.fake.on('users.info', (c) => ({ ok: true, user: { id: c.body.user, is_admin: false, is_owner: false } }));
    await command('correct oldest-fact', ADMIN);
    const open = await eventually(() => bot.fake.callsTo('views.open')[0]);
    const view = open.body.view as { blocks: Block[]; private_metadata: string; callback_id: string };
    const field = view.blocks.find((b) => b.block_id === CURATE_MODAL.source.block);
    expect(field?.element?.type).toBe('external_select');
    expect(field?.element?.initial_option?.value).toBe('s1');
    const typed = await suggest({
      actionId: CURATE_MODAL.source.action,
      blockId: CURATE_MODAL.source.block,
      value: 'Publisher 15',
      view: { id: 'V0FORM', type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata },
    });
    const values = ((typed.body?.options ?? []) as { value: string }[]).map((o) => o.value);
    expect(values).toEqual(expect.arrayContaining(['s15', 's150', 's158']));
    expect(values.length).toBeLessThanOrEqual(100);
    // Saved as it opened (the old source kept), with new text: recorded.
    const saved = await interact(
      viewSubmission({
        callbackId: view.callback_id,
        userId: ADMIN,
        metadata: view.private_metadata,
        values: {
          [CURATE_MODAL.newTopic.block]: {
            [CURATE_MODAL.newTopic.action]: { type: 'plain_text_input', value: 'outage' },
          },
          [CURATE_MODAL.text.block]: {
            [CURATE_MODAL.text.action]: { type: 'plain_text_input', value: 'Cited from the oldest source, corrected.' },
          },
          [CURATE_MODAL.source.block]: {
            [CURATE_MODAL.source.action]: { type: 'external_select', selected_option: { value: 's1' } },
          },
        },
      }),
    );
    expect(saved.body).toBeUndefined();
    const facts = await command('facts', ADMIN);
    expect(JSON.stringify(facts)).toContain('Cited from the oldest source, corrected.');
  });

  test('300 owned questions across 150 incidents: every heading shown has its questions, and the rest is said', async () => {
    const incidents = Array.from({ length: 150 }, (_, i) =>
      numbered(i + 1, {
        questions: [
          { id: 'Q1', text: `First question of outage ${i + 1}?`, owner: ALICE, due: '2026-12-20' },
          { id: 'Q2', text: `Second question of outage ${i + 1}?`, owner: ALICE },
        ],
      }),
    );
    bot = await startTestBot(incidents, clock);
    const reply = await command('mine');
    expect(reply?.text).toBe('You own 300 open questions.');
    const sections = (reply?.blocks ?? []).filter((b) => b.type === 'section').map((b) => b.text?.text ?? '');
    expect(sections.length).toBeGreaterThan(40);
    for (const s of sections) {
      expect(s).toMatch(/^\*outage-\d{3}\* — Outage number \d+ \(2\)\n• \*Q1\*/);
      expect(s).toContain('Second question of outage');
    }
    const text = JSON.stringify(reply);
    expect(text).toContain(`more questions in ${150 - sections.length} more incidents`);
    // One incident's own: all of them.
    const one = await command('outage-150 mine');
    expect(one?.text).toBe('You own 2 open questions.');
    expect(JSON.stringify(one)).toContain('Second question of outage 150?');
  });

  test('an admin’s facts, timeline and updates carry each Add button with an action id of its own', async () => {
    bot = await startTestBot(
      parseIncident(
        datasetWith((d) => d.setIn(['admins'], [ADMIN])),
        'crowdstrike-2024.yaml',
      ),
      clock,
    );
    bot.fake.on('users.info', (c) => ({ ok: true, user: { id: c.body.user, is_admin: false, is_owner: false } }));
    for (const what of ['facts', 'timeline', 'updates']) {
      const reply = await command(what, ADMIN);
      const actions = reply?.blocks.filter((b) => b.type === 'actions') ?? [];
      const ids = actions.flatMap((b) => (b.elements ?? []).map((e) => e.action_id));
      expect(ids).toContain(ACTIONS.addItem);
      expect(ids.filter((id) => id?.startsWith(ACTIONS.addItem)).length).toBeGreaterThan(1);
    }
    // The second button ("Add source", sent as summit_add_item.2) opens its own form.
    await press(ADMIN, 'add', {
      type: 'button',
      action_id: `${ACTIONS.addItem}.2`,
      block_id: 'b1',
      value: 'crowdstrike-2024|source',
      text: { type: 'plain_text', text: 'Add source' },
      action_ts: '1.3',
    });
    const open = await eventually(() => bot.fake.callsTo('views.open')[0]);
    expect((open.body.view as { callback_id: string; title: { text: string } }).title.text).toBe('Add source');
    expect((open.body.view as { callback_id: string }).callback_id).toBe(CALLBACKS.curateModal);
  });
});
