import { reminderTitle } from '../../../src/views/reminder';
import { DateTime } from 'luxon';
import { cronTimes, parseCron } from '../../../src/lib/cron';
import { applyFollowUps } from '../../../src/core/follow-up';
import { planReminders } from '../../../src/core/plan';
import { parseIncident } from '../../../src/incident/load';
import { EMPTY_STATE } from '../../../src/core/records';
import { defaultIncident, minimalDataset } from '../../helpers/incident';

const la = (iso: string) => DateTime.fromISO(iso, { zone: 'America/Los_Angeles' }).toJSDate();
const local = (d: Date, zone = 'America/Los_Angeles') =>
  DateTime.fromJSDate(d, { zone }).toFormat('yyyy-LL-dd HH:mm ZZZZ');

describe('the reminder plan', () => {
  const summit = defaultIncident();

  test('countdown for an all-day event: each offset at 09:00 in the reminder zone, N days before', () => {
    const plan = planReminders(summit, la('2024-08-01'), la('2024-09-11')).filter((r) => r.kind === 'countdown');
    expect(plan.map((r) => [r.key, local(r.at)])).toEqual([
      ['countdown:14d', '2024-08-27 09:00 PDT'],
      ['countdown:7d', '2024-09-03 09:00 PDT'],
      ['countdown:3d', '2024-09-07 09:00 PDT'],
      ['countdown:1d', '2024-09-09 09:00 PDT'],
      ['countdown:0d', '2024-09-10 09:00 PDT'],
    ]);
    expect(plan.map((r) => reminderTitle(r).split(': ')[1])).toEqual([
      'in 14 days',
      'in 7 days',
      'in 3 days',
      'tomorrow',
      'today',
    ]);
  });

  test('the window is (from, to]: a reminder exactly at `from` is not repeated', () => {
    const at = la('2024-09-03T09:00');
    expect(planReminders(summit, at, la('2024-09-04')).some((r) => r.key === 'countdown:7d')).toBe(false);
    expect(planReminders(summit, new Date(at.getTime() - 1), at).map((r) => r.key)).toEqual(['countdown:7d']);
  });

  test('a timed event counts back from its start; 0m is "starting now"', () => {
    const timed = parseIncident(
      minimalDataset(
        { start: '2024-11-04T10:00' },
        { reminders: { countdown: { offsets: ['1d', '2h', '30m', '0m'] } } },
      ),
      't',
    );
    const plan = planReminders(timed, la('2024-11-01'), la('2024-11-05'));
    expect(plan.map((r) => [r.key, local(r.at), reminderTitle(r)])).toEqual([
      ['countdown:1d', '2024-11-03 10:00 PST', 'Test event: tomorrow'],
      ['countdown:2h', '2024-11-04 08:00 PST', 'Test event: today, in 2 hours'],
      ['countdown:30m', '2024-11-04 09:30 PST', 'Test event: today, in 30 minutes'],
      ['countdown:0m', '2024-11-04 10:00 PST', 'Test event: starting now'],
    ]);
  });

  test('across the DST change of November 3, 2024, daily reminders stay at 09:00 local', () => {
    const inc = parseIncident(
      minimalDataset(
        { date: '2024-11-06' },
        {
          reminders: {
            countdown: { offsets: ['5d', '4d', '3d', '2d', '1d'], time: '09:00' },
            digest: { cron: '30 1 * * *', until: '1d' },
          },
          questions: [{ id: 'Q1', text: 'Open?' }],
        },
      ),
      't',
    );
    const plan = planReminders(inc, la('2024-10-31'), la('2024-11-06'));
    expect(plan.filter((r) => r.kind === 'countdown').map((r) => local(r.at))).toEqual([
      '2024-11-01 09:00 PDT',
      '2024-11-02 09:00 PDT',
      '2024-11-03 09:00 PST',
      '2024-11-04 09:00 PST',
      '2024-11-05 09:00 PST',
    ]);
    // 25 hours between the two on either side of the change: calendar days, not 24-hour steps.
    const [, sat, sun] = plan.filter((r) => r.kind === 'countdown');
    expect(((sun?.at.getTime() ?? 0) - (sat?.at.getTime() ?? 0)) / 3_600_000).toBe(25);
    // 01:30 happens twice on November 3; the digest goes out once.
    expect(plan.filter((r) => r.kind === 'digest' && local(r.at).startsWith('2024-11-03')).length).toBe(1);
  });

  test('a daily digest at 02:30 has no run on the spring-forward day', () => {
    const spec = parseCron('30 2 * * *');
    if (typeof spec === 'string') throw new Error(spec);
    const days = cronTimes(spec, 'America/Los_Angeles', la('2024-03-08'), la('2024-03-12')).map((d) => local(d));
    expect(days).toEqual(['2024-03-08 02:30 PST', '2024-03-09 02:30 PST', '2024-03-11 02:30 PDT']);
  });

  test('update nudges: on the expected date at the set time, then every interval, at most max times', () => {
    const inc = parseIncident(
      minimalDataset(
        { date: '2024-09-10' },
        {
          expectedUpdates: [{ id: 'u1', text: 'Report', expected: '2024-09-11', source: 's1' }],
          reminders: { updates: { every: '2d', max: 3, time: '10:30' } },
        },
      ),
      't',
    );
    const plan = planReminders(inc, la('2024-09-01'), la('2024-12-01'));
    expect(plan.map((r) => [r.key, local(r.at)])).toEqual([
      ['nudge:u1:1', '2024-09-11 10:30 PDT'],
      ['nudge:u1:2', '2024-09-13 10:30 PDT'],
      ['nudge:u1:3', '2024-09-15 10:30 PDT'],
    ]);
    expect(plan[0]?.expectedId).toBe('u1');
    expect(plan[0]?.series).toBe('nudge:u1');
  });

  test('nudges stop once an update for it is recorded', () => {
    const inc = parseIncident(
      minimalDataset(
        { date: '2024-09-10' },
        {
          expectedUpdates: [{ id: 'u1', text: 'Report', expected: '2024-09-11', source: 's1' }],
          reminders: { updates: { every: '1d', max: 5 } },
        },
      ),
      't',
    );
    const withUpdate = applyFollowUps(inc, {
      ...EMPTY_STATE,
      updates: [
        { id: 1, expectedId: 'u1', text: 'Out now', actor: { id: 'U1', name: 'a' }, at: la('2024-09-12T15:00') },
      ],
    });
    expect(planReminders(withUpdate, la('2024-09-01'), la('2024-12-01')).map((r) => r.key)).toEqual([
      'nudge:u1:1',
      'nudge:u1:2',
    ]);
    // The default data set records the post-summit update on September 12: one nudge, on the 11th.
    expect(
      planReminders(summit, la('2024-09-01'), la('2024-12-01'))
        .filter((r) => r.kind === 'nudge')
        .map((r) => r.key),
    ).toEqual(['nudge:post-summit:1']);
  });

  test('the digest goes out while a question is open, until `until` after the event', () => {
    const text = minimalDataset(
      { date: '2024-09-10' },
      {
        questions: [
          {
            id: 'Q1',
            text: 'Why?',
            history: [{ status: 'answered', at: '2024-09-20', answer: 'Because', source: 's1' }],
          },
        ],
        reminders: { digest: { cron: '0 9 * * 1', until: '30d' } },
      },
    );
    const plan = planReminders(parseIncident(text, 't'), la('2024-09-01'), la('2024-12-31'));
    expect(plan.map((r) => local(r.at))).toEqual([
      '2024-09-02 09:00 PDT',
      '2024-09-09 09:00 PDT',
      '2024-09-16 09:00 PDT',
    ]);
    const open = minimalDataset(
      { date: '2024-09-10' },
      { questions: [{ id: 'Q1', text: 'Why?' }], reminders: { digest: { cron: '0 9 * * 1', until: '30d' } } },
    );
    const all = planReminders(parseIncident(open, 't'), la('2024-09-01'), la('2024-12-31'));
    expect(local(all.at(-1)?.at ?? new Date())).toBe('2024-10-07 09:00 PDT');
  });

  test('any part may be left out or set to false; no reminders: section, nothing planned', () => {
    const off = parseIncident(
      minimalDataset({ date: '2024-09-10' }, { reminders: { countdown: false, updates: false, digest: false } }),
      't',
    );
    expect(planReminders(off, la('2024-01-01'), la('2025-01-01'))).toEqual([]);
    expect(
      planReminders(parseIncident(minimalDataset({ date: '2024-09-10' }), 't'), la('2024-01-01'), la('2025-01-01')),
    ).toEqual([]);
  });

  test('the reminder zone may differ from the event zone', () => {
    const inc = parseIncident(
      minimalDataset(
        { date: '2024-09-10' },
        { reminders: { timezone: 'Europe/Berlin', countdown: { offsets: ['1d'], time: '09:00' } } },
      ),
      't',
    );
    expect(planReminders(inc, la('2024-09-01'), la('2024-09-30')).map((r) => local(r.at, 'Europe/Berlin'))).toEqual([
      '2024-09-09 09:00 GMT+2',
    ]);
  });

  test('the data set rejects bad reminder settings', () => {
    expect(() =>
      parseIncident(
        minimalDataset({ date: '2024-09-10' }, { reminders: { digest: { cron: '0 25 * * *', until: '1d' } } }),
        't',
      ),
    ).toThrow(/reminders\.digest\.cron.*hour "25": must be within 0-23/);
    expect(() =>
      parseIncident(
        minimalDataset({ date: '2024-09-10' }, { reminders: { countdown: { offsets: ['2 weeks'] } } }),
        't',
      ),
    ).toThrow(/reminders\.countdown\.offsets\[0\].*duration such as 30m/);
    expect(() =>
      parseIncident(minimalDataset({ date: '2024-09-10' }, { reminders: { updates: { every: '1d', max: 0 } } }), 't'),
    ).toThrow(/reminders\.updates\.max/);
    expect(() =>
      parseIncident(
        minimalDataset({ date: '2024-09-10' }, { reminders: { countdown: { offsets: ['1d'], time: '9am' } } }),
        't',
      ),
    ).toThrow(/time of day such as "09:00"/);
  });
});

describe('cron expressions', () => {
  test.each([
    ['0 9 * * 1', 'Mondays at 09:00', 5],
    ['*/30 9-10 * * *', 'every 30 minutes from 09:00 to 10:30', 4 * 30],
    ['0 9 1,15 * *', 'the 1st and 15th', 2],
    ['0 9 * * 7', '7 is Sunday', 5],
  ])('%s (%s)', (expr, _what, count) => {
    const spec = parseCron(expr);
    if (typeof spec === 'string') throw new Error(spec);
    expect(cronTimes(spec, 'UTC', new Date('2024-09-01T00:00:00Z'), new Date('2024-10-01T00:00:00Z')).length).toBe(
      count,
    );
  });

  test('bad expressions say what is wrong', () => {
    expect(parseCron('0 9 * *')).toMatch(/five fields/);
    expect(parseCron('61 * * * *')).toMatch(/minute "61"/);
    expect(parseCron('x * * * *')).toMatch(/not a number/);
  });
});

describe('nothing is planned before it could be known', () => {
  const summit = defaultIncident();

  test('no digest before the incident is known (its earliest source or timeline entry: July 19, 2024, 04:09 UTC)', () => {
    const plan = planReminders(summit, la('2024-06-01'), la('2024-07-25'));
    expect(plan.filter((r) => r.at < new Date('2024-07-19T04:09:00Z'))).toEqual([]);
    expect(plan.map((r) => [r.kind, local(r.at)])).toEqual([['digest', '2024-07-22 09:00 PDT']]);
  });

  test('a made-up incident first reported on November 20 gets no digest on November 2, 9 or 16', () => {
    const inc = parseIncident(
      JSON.stringify({
        id: 'made-up',
        incident: {
          title: 'T',
          summary: 'S',
          sources: [
            { id: 's1', title: 'First report', publisher: 'P', date: '2030-11-20', url: 'https://example.com/a' },
          ],
        },
        event: {
          name: 'Review',
          date: '2030-12-01',
          timezone: 'America/Los_Angeles',
          location: 'Online',
          hosts: ['Us'],
          source: 's1',
        },
        questions: [{ id: 'Q1', text: 'Why?' }],
        reminders: { digest: { cron: '0 9 * * 6', until: '7d' } },
      }),
      't',
    );
    const days = planReminders(inc, la('2030-10-25'), la('2030-12-05')).map((r) => local(r.at).slice(0, 10));
    expect(days).toEqual(['2030-11-23', '2030-11-30']);
  });

  test('a countdown reminder only from the day the event was announced; a nudge only once its update was announced', () => {
    const inc = parseIncident(
      JSON.stringify({
        id: 'made-up',
        incident: {
          title: 'T',
          summary: 'S',
          sources: [
            { id: 'old', title: 'Old', publisher: 'P', date: '2030-01-01', url: 'https://example.com/o' },
            { id: 'ann', title: 'Announcement', publisher: 'P', date: '2030-06-05', url: 'https://example.com/a' },
            { id: 'promise', title: 'Promise', publisher: 'P', date: '2030-06-12', url: 'https://example.com/p' },
          ],
        },
        event: {
          name: 'Summit',
          date: '2030-06-10',
          timezone: 'America/Los_Angeles',
          location: 'Here',
          hosts: ['Us'],
          source: 'ann',
        },
        expectedUpdates: [{ id: 'report', text: 'The report', expected: '2030-06-11', source: 'promise' }],
        reminders: { countdown: { offsets: ['7d', '3d', '1d'] }, updates: { every: '1d', max: 3 } },
      }),
      't',
    );
    const plan = planReminders(inc, la('2030-05-01'), la('2030-06-20'));
    expect(plan.map((r) => [r.key, local(r.at).slice(0, 10)])).toEqual([
      ['countdown:3d', '2030-06-07'],
      ['countdown:1d', '2030-06-09'],
      ['nudge:report:2', '2030-06-12'],
      ['nudge:report:3', '2030-06-13'],
    ]);
  });

  test('seen from a vantage point, a digest counts what was known then, not what came later', () => {
    const fromJuly = planReminders(summit, la('2024-07-22'), la('2024-08-20'), la('2024-07-22T12:00'));
    const later = planReminders(summit, la('2024-07-22'), la('2024-08-20'));
    const aug12 = (p: typeof later) => {
      const r = p.find((x) => local(x.at).startsWith('2024-08-12'));
      return r && reminderTitle(r);
    };
    expect(aug12(fromJuly)).toContain('Q1');
    expect(aug12(later)).not.toContain('Q1');
  });
});
