import { DateTime } from 'luxon';
import type { FollowUpStore } from '../../../src/store/repository';
import { defaultIncident, eventOf } from '../../helpers/incident';
import { contextWith, runText, testStore } from '../../helpers/store';

/**
 * "As of" walked through every date of the default data set: each source (the dates of
 * shared/reference/facts.md) is checked the day before it was published and on the day itself, through every
 * reading command, as the console would show them.
 */
const incident = defaultIncident();
const zone = incident.zone;
const READS = [
  'status',
  'facts',
  'when',
  'questions all',
  'timeline',
  'updates',
  'history Q1',
  'history Q2',
  'history Q3',
  'history Q4',
];

let store: FollowUpStore;
beforeAll(async () => {
  store = await testStore();
});
afterAll(() => store.close());

/** Everything every reading command shows at `at`, as one text (plain and Block Kit, so links count too). */
async function everything(at: Date): Promise<string> {
  const parts: string[] = [];
  for (const text of READS) {
    const r = await runText(text, contextWith(incident, store, at));
    parts.push(r.plain, r.json);
  }
  return parts.join('\n');
}

const local = (date: string, time: string) => DateTime.fromISO(`${date}T${time}`, { zone }).toJSDate();
const dayBefore = (date: string) => DateTime.fromISO(date, { zone }).minus({ days: 1 }).toISODate() as string;

describe.each(incident.sources.map((s) => [s.id, s.date, s.url] as const))('source %s (%s)', (id, date, url) => {
  test('the day before it was published, nothing shows it', async () => {
    expect(await everything(local(dayBefore(date), '23:59'))).not.toContain(url);
  });

  test('on the day, what cites it shows', async () => {
    expect(await everything(local(date, '12:00'))).toContain(url);
    // Every fact that cites it is shown in `facts` from that day on.
    const facts = await runText('facts', contextWith(incident, store, local(date, '12:00')));
    for (const f of incident.facts.filter((f) => f.source.id === id)) expect(facts.json).toContain(f.source.url);
  });
});

describe('the event, its expected update and the timeline, as known then', () => {
  const announced = eventOf(incident).source.date; // 2024-08-23

  test('before the summit was announced, /summit and when say no event is announced yet', async () => {
    const at = local(dayBefore(announced), '12:00');
    const status = await runText('status', contextWith(incident, store, at));
    expect(status.plain).toContain('No event has been announced yet');
    expect(status.plain).not.toContain('Windows Endpoint Security Ecosystem Summit');
    expect(status.plain).toContain(incident.summary);
    expect((await runText('when', contextWith(incident, store, at))).plain).toMatch(/^No event has been announced yet/);
    expect((await runText('updates', contextWith(incident, store, at))).plain).not.toContain('post-summit');
    // Nor does the schedule count down to it, or nudge for the update it promised.
    const schedule = (await runText('schedule', contextWith(incident, store, at))).plain;
    expect(schedule).not.toMatch(/Ecosystem Summit|Update awaited/);
    expect(schedule).toContain('Digest');
  });

  test('from the day it was announced, the event and the update promised for after it', async () => {
    const at = local(announced, '12:00');
    expect((await runText('when', contextWith(incident, store, at))).plain).toContain('Tuesday, September 10, 2024');
    const updates = (await runText('updates', contextWith(incident, store, at))).plain;
    // Microsoft gave no date: the data set's estimate is said as one, never as a promised date.
    expect(updates).toContain('no date given; nudging from Wednesday, September 11, 2024');
    expect(updates).not.toMatch(/expected Wednesday/);
  });

  test('the 04:09 and 05:27 UTC entries are known from the review of July 24 that reports them', async () => {
    const before = (await runText('timeline', contextWith(incident, store, local('2024-07-23', '23:59')))).plain;
    expect(before).not.toContain('78 minutes later');
    const after = (await runText('timeline', contextWith(incident, store, local('2024-07-24', '12:00')))).plain;
    expect(after).toContain('78 minutes later');
  });

  test("the summit's facts read in the past tense once it took place", async () => {
    const during = (await runText('facts summit', contextWith(incident, store, local('2024-09-10', '12:00')))).plain;
    expect(during).toContain('Microsoft is hosting it');
    expect(during).toContain('will come together there, and government representatives will be invited');
    // What the announcement says, not the article's guess (facts.md): updates after the event, nothing "private".
    expect(during).toContain('Microsoft said it would share updates after the event.');
    expect(during).not.toMatch(/private|secret/i);
    const after = (await runText('facts summit', contextWith(incident, store, local('2024-09-11', '12:00')))).plain;
    expect(after).toContain('Microsoft hosted it');
    expect(after).toContain('would come together there, and that government representatives would be invited');
    expect(after).not.toMatch(/is hosting|will be invited|are invited|private/);
  });
});
