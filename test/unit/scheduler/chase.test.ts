import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { applyFollowUps } from '../../../src/core/follow-up';
import { planReminders } from '../../../src/core/plan';
import { parseIncident } from '../../../src/incident/load';
import { ManualClock } from '../../../src/lib/clock';
import { ReminderDelivery } from '../../../src/scheduler/delivery';
import { SlackPoster } from '../../../src/scheduler/slack-poster';
import type { FollowUpStore } from '../../../src/store/repository';
import { reminderTitle } from '../../../src/views/reminder';
import { FakeSlack } from '../../helpers/fake-slack';
import { minimalDataset } from '../../helpers/incident';
import { ADMIN, contextWith, runText, silent, testStore } from '../../helpers/store';
import { formatPlan } from '../../../src/preview';

const la = (iso: string) => DateTime.fromISO(iso, { zone: 'America/Los_Angeles' }).toJSDate();
const local = (d: Date) => DateTime.fromJSDate(d, { zone: 'America/Los_Angeles' }).toFormat('yyyy-LL-dd HH:mm');

/** Q1 owned by U0OWNER, due October 1; Q2 due but owned by nobody; Q3 owned but not due. */
const INCIDENT = parseIncident(
  minimalDataset(
    { date: '2024-09-10' },
    {
      questions: [
        { id: 'Q1', text: 'Who pays?', owner: 'U0OWNER', due: '2024-10-01' },
        { id: 'Q2', text: 'When?', due: '2024-10-01' },
        { id: 'Q3', text: 'Why?', owner: 'U0OWNER' },
      ],
      reminders: { questions: { every: '2d', max: 3, time: '10:00' }, catchUp: '6h' },
    },
  ),
  't',
);

describe('chasing owners', () => {
  test('the owner is chased from the due date at the set time, every interval, at most max times; only questions with both an owner and a due date', () => {
    const plan = planReminders(INCIDENT, la('2024-09-01'), la('2024-12-01'));
    expect(plan.map((r) => [r.key, local(r.at), r.to, reminderTitle(r)])).toEqual([
      ['chase:Q1:2024-10-01:1', '2024-10-01 10:00', 'U0OWNER', 'Due 2024-10-01: Q1 Who pays? (reminder 1 of 3)'],
      [
        'chase:Q1:2024-10-03:2'.replace('10-03', '10-01'),
        '2024-10-03 10:00',
        'U0OWNER',
        'Due 2024-10-01: Q1 Who pays? (reminder 2 of 3)',
      ],
      ['chase:Q1:2024-10-01:3', '2024-10-05 10:00', 'U0OWNER', 'Due 2024-10-01: Q1 Who pays? (reminder 3 of 3)'],
    ]);
  });

  test('across the spring-forward change each chase keeps its wall-clock time; only the one in the gap moves', () => {
    // Clocks in Los Angeles went from 02:00 to 03:00 on Sunday, March 9, 2025: 02:30 did not exist that day.
    const dst = parseIncident(
      minimalDataset(
        { date: '2025-03-01' },
        {
          questions: [{ id: 'Q1', text: 'Who pays?', owner: 'U0OWNER', due: '2025-03-08' }],
          reminders: { questions: { every: '1d', max: 4, time: '02:30' }, catchUp: '6h' },
        },
      ),
      't',
    );
    const plan = planReminders(dst, la('2025-03-01'), la('2025-04-01'));
    expect(plan.map((r) => local(r.at))).toEqual([
      '2025-03-08 02:30',
      '2025-03-09 03:30',
      '2025-03-10 02:30',
      '2025-03-11 02:30',
    ]);
  });

  test('preview shows the chases; /summit schedule shows them to their owner in a DM, never in a channel', async () => {
    expect(formatPlan(INCIDENT, la('2024-09-01'), la('2024-12-01'))).toContain(
      'chase      Due 2024-10-01: Q1 Who pays?',
    );
    const store = await testStore(undefined, INCIDENT.id);
    try {
      const at = '2024-09-20T12:00:00Z';
      const dm = await runText('schedule', {
        ...contextWith(INCIDENT, store, at, { id: 'U0OWNER', name: 'o' }),
        channelId: 'D0OWNER',
      });
      expect(dm.plain).toContain('Due 2024-10-01: Q1 Who pays? (reminder 1 of 3)');
      const channel = await runText('schedule', { ...contextWith(INCIDENT, store, at), channelId: 'C0GENERAL' });
      expect(channel.plain).not.toContain('Due 2024-10-01');
      const someoneElse = await runText('schedule', {
        ...contextWith(INCIDENT, store, at, { id: 'U0ELSE', name: 'e' }),
        channelId: 'D0ELSE',
      });
      expect(someoneElse.plain).not.toContain('Due 2024-10-01');
    } finally {
      await store.close();
    }
  });

  test('it stops once the question is answered, dropped or superseded', () => {
    for (const status of ['answered', 'dropped', 'superseded'] as const) {
      const closed = applyFollowUps(INCIDENT, {
        changes: [
          {
            id: 1,
            questionId: 'Q1',
            status,
            answer: 'x',
            note: 'x',
            supersededBy: status === 'superseded' ? 'Q2' : undefined,
            actor: ADMIN,
            at: la('2024-10-02T12:00'),
          },
        ],
        questions: [],
        updates: [],
        assignments: [],
        curations: [],
      });
      expect(planReminders(closed, la('2024-09-01'), la('2024-12-01')).map((r) => local(r.at))).toEqual([
        '2024-10-01 10:00',
      ]);
    }
  });

  test('a new due date starts the chase again, under keys of its own', () => {
    const moved = applyFollowUps(INCIDENT, {
      changes: [],
      questions: [],
      updates: [],
      curations: [],
      assignments: [
        { id: 1, questionId: 'Q1', field: 'due', value: '2024-11-01', actor: ADMIN, at: la('2024-10-02T12:00') },
      ],
    });
    const plan = planReminders(moved, la('2024-10-02T13:00'), la('2024-12-01'));
    expect(plan.map((r) => r.key)).toEqual(['chase:Q1:2024-11-01:1', 'chase:Q1:2024-11-01:2', 'chase:Q1:2024-11-01:3']);
  });

  describe('delivery', () => {
    let fake: FakeSlack;
    let store: FollowUpStore;
    let clock: ManualClock;
    const delivery = () =>
      new ReminderDelivery({
        incident: INCIDENT,
        store,
        clock,
        poster: new SlackPoster('xoxb-test', fake.url, silent),
        log: silent,
      });

    beforeEach(async () => {
      fake = new FakeSlack();
      await fake.start();
      store = await testStore(path.join(mkdtempSync(path.join(tmpdir(), 'summit-chase-')), 'summit.db'), INCIDENT.id);
      await store.reminders.subscribe({ kind: 'channel', id: 'C1' }, ADMIN, la('2024-09-01'));
      clock = new ManualClock(la('2024-10-01T09:00'));
      await delivery().tick();
    });
    afterEach(async () => {
      await store.close();
      await fake.stop();
    });

    test('a chase goes to its owner alone, by DM, once, with Record answer, Snooze 1 day and Not pursued', async () => {
      clock.set(la('2024-10-01T10:00:10'));
      expect((await delivery().tick()).sent).toBe(1);
      clock.set(la('2024-10-01T10:00:40'));
      expect((await delivery().tick()).sent).toBe(0);
      const posts = fake.callsTo('chat.postMessage');
      expect(posts.map((c) => c.body.channel)).toEqual(['DU0OWNER']);
      const json = JSON.stringify(posts[0]?.body.blocks);
      for (const action of ['summit_record_answer', 'summit_snooze', 'summit_drop_question'])
        expect(json).toContain(action);
      expect(json).not.toContain('overdue');
      // Two days on, the second chase: the question is overdue now, and says so.
      clock.set(la('2024-10-03T10:00:10'));
      expect((await delivery().tick()).sent).toBe(1);
      expect(JSON.stringify(fake.callsTo('chat.postMessage')[1]?.body.blocks)).toContain('overdue');
      expect(posts[0]?.body.metadata).toEqual({
        event_type: 'summit_reminder',
        event_payload: { incident: 'test-incident', key: 'chase:Q1:2024-10-01:1' },
      });
    });
  });
});
