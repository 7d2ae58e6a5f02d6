import { DateTime } from 'luxon';
import { parseCommand } from '../../../src/commands/registry';
import { planReminders, shift } from '../../../src/core/plan';
import { checkDataset, parseIncident } from '../../../src/incident/load';
import type { FollowUpStore } from '../../../src/store/repository';
import { datasetWith, defaultDatasetText, defaultIncident } from '../../helpers/incident';
import { ADMIN, contextWith, runText, testStore } from '../../helpers/store';

/** What a newcomer hit, each a promise of the README: one test each. */
const incident = defaultIncident();
const zone = incident.zone;
const local = (date: string, time = '12:00') => DateTime.fromISO(`${date}T${time}`, { zone }).toJSDate();

let store: FollowUpStore;
beforeEach(async () => {
  store = await testStore();
});
afterEach(() => store.close());

describe('the words a newcomer types', () => {
  test('a mistyped /summit gets "did you mean" with the command that follows it', () => {
    expect(parseCommand('/sumit when')).toEqual({ name: 'unknown', word: '/sumit', suggestion: '/summit when' });
    expect(parseCommand('/sumit wehn')).toMatchObject({ suggestion: '/summit when' });
    expect(parseCommand('/summitt')).toMatchObject({ name: 'unknown', suggestion: '/summit help' });
  });

  test('punctuation after the command word is not part of it; "?" is still help', () => {
    expect(parseCommand('when?')).toEqual({ name: 'when' });
    expect(parseCommand('Status!')).toEqual({ name: 'status' });
    expect(parseCommand('?')).toEqual({ name: 'help' });
  });
});

describe('the schedule knows only what was known', () => {
  test('seen from before the event was announced, digests do not stop at a date derived from it', () => {
    const now = local('2024-08-20');
    const horizon = shift(now, { amount: 60, unit: 'days', text: '60d' }, zone, 1);
    const digests = planReminders(incident, now, horizon, now).filter((r) => r.kind === 'digest');
    // The event (announced Aug 23) ends Sept 10; +30 days would stop digests after Monday, October 7.
    expect(digests.at(-1)?.at.getTime()).toBeGreaterThan(local('2024-10-08').getTime());
    // Nothing of the unannounced event: no countdown.
    expect(planReminders(incident, now, horizon, now).some((r) => r.kind === 'countdown')).toBe(false);
  });

  test('an empty schedule says why', async () => {
    const r = await runText('schedule', contextWith(incident, store, local('2026-01-01')));
    expect(r.plain).toContain('Nothing is planned:');
    expect(r.plain).toContain('The event was on Tuesday, September 10, 2024, so the countdown is over.');
    expect(r.plain).toContain('No update is expected');
    expect(r.plain).toContain('The digests of open questions have ended: the last was due on Monday, October 7, 2024');
  });
});

describe('citations name their document', () => {
  test('facts, timeline, answers and the status footer give title, publisher and date', async () => {
    const at = contextWith(incident, store, local('2025-01-01'));
    const rca = 'Channel File 291 Incident: Root Cause Analysis is Available';
    expect((await runText('facts outage', at)).plain).toContain(`${rca} <`);
    expect((await runText('facts outage', at)).plain).toContain('(CrowdStrike, Aug 6, 2024)');
    expect((await runText('timeline', at)).plain).toContain(`${rca} <`);
    expect((await runText('questions all', at)).plain).toContain(`${rca} <`);
    expect((await runText('status', at)).plain).toContain(
      'Windows Experience Blog post announcing the summit (title not recorded) <',
    );
  });

  test('a long title is clipped with an ellipsis', async () => {
    const long = datasetWith((d) => d.setIn(['incident', 'sources', 0, 'title'], 'A very long title '.repeat(12)));
    const facts = (
      await runText('facts outage', contextWith(parseIncident(long, 'long.yaml'), store, local('2025-01-01')))
    ).plain;
    expect(facts).toMatch(/A very long title[^<]*…/);
  });
});

describe('the summary says only what was known', () => {
  test('no event before it was announced; then who hosts it, in the tense of the moment', async () => {
    const status = async (date: string) => (await runText('status', contextWith(incident, store, local(date)))).plain;
    const before = await status('2024-07-22');
    expect(before).not.toMatch(/will host|hosted|is hosting|events they held/i);
    expect(before).toContain('No event has been announced yet');
    expect(await status('2024-09-03')).toContain('Microsoft will host the Windows Endpoint Security Ecosystem Summit.');
    expect(await status('2024-09-10')).toContain(
      'Microsoft is hosting the Windows Endpoint Security Ecosystem Summit.',
    );
    expect(await status('2024-09-11')).toContain('Microsoft hosted the Windows Endpoint Security Ecosystem Summit.');
  });
});

describe('recording', () => {
  test('an update for an expected update already received says so', async () => {
    const r = await runText(
      'update post-summit A second post https://example.com/b',
      contextWith(incident, store, local('2025-01-01')),
    );
    expect(r.plain).toContain('It had already been received Thursday, September 12, 2024');
    expect(r.plain).toContain('further update');
    expect(r.plain).not.toContain('no longer outstanding');
  });

  test("history's notification text counts the changes its body lists", async () => {
    const at = (d: string) => contextWith(incident, store, local(d));
    await runText(`assign Q4 <@${ADMIN.id}|ada>`, at('2025-01-01'));
    await runText('due Q4 2025-02-01', at('2025-01-02'));
    const r = await runText('history Q4', at('2025-01-03'));
    const listed = r.plain.split('\n').filter((l) => l.startsWith('  - ')).length;
    expect(listed).toBe(3);
    expect(r.reply.summary).toBe('Q4: open. 3 changes.');
  });

  test('reopening keeps the sourced note the question had', async () => {
    const at = (d: string) => contextWith(incident, store, local(d));
    await runText('answer Q3 About 8.5 million https://example.com/x', at('2025-01-01'));
    const r = await runText('reopen Q3 the figure was an estimate', at('2025-01-02'));
    expect(r.plain).toContain('Microsoft said crash reports show only a subset');
    expect(r.plain).toContain('the figure was an estimate');
  });

  test('the console names people by a plain handle, shown as typed; Slack needs a mention', async () => {
    const consoleCtx = contextWith(incident, store, local('2025-01-01'));
    const r = await runText('assign Q3 @bob', consoleCtx);
    expect(r.plain).toContain('Q3 assigned');
    expect((await runText('questions', consoleCtx)).plain).toContain('owner @bob');
    const bare = await runText('assign Q4 bob', consoleCtx);
    expect(bare.plain).toContain('in the console, a handle such as @bob');
    const slack = await runText('assign Q4 @carol', { ...consoleCtx, channelId: 'C0TEAM', actor: ADMIN });
    expect(slack.plain).toContain('@carol is not a mention');
    expect(slack.changed).toBeFalsy();
  });
});

describe('check-data prints every finding at once', () => {
  const text = defaultDatasetText()
    .replace('  date: 2024-09-10 ', '  date: 2024-9-10 ')
    .replace(/(\n {4}every: )15m/, '$110s')
    .replace(
      '      publisher: CrowdStrike\n      date: 2024-07-24',
      '      publisher: CrowdStrike\n      dat: 2024-07-24',
    )
    .replace('      source: ms-0720\n', '      source: ms-07200\n')
    .replace('    expected: 2024-09-11 ', '    expected: 2024-02-30 ');

  test('schema, cross-reference and calendar findings together, each with its fix', () => {
    const { findings } = checkDataset(text);
    const all = findings.join('\n');
    expect(all).toMatch(/event\.date \(line \d+\): must be a date written YYYY-MM-DD: write it as 2024-09-10/);
    expect(all).toMatch(/watch\[0\]\.every \(line \d+\): the shortest interval is 1m, not "10s"/);
    expect(all).toMatch(/expectedUpdates\[0\]\.expected \(line \d+\): is not a real calendar date \(2024-02-30\)/);
    expect(all).toMatch(/incident\.facts\[3\]\.source \(line \d+\): unknown source "ms-07200"/);
    expect(all).toMatch(/unknown field\(s\) "dat"/);
    expect(findings).toHaveLength(6);
  });

  test('a misspelled key is reported at its own line', () => {
    const lines = text.split('\n');
    const keyLine = lines.findIndex((l) => l.trim().startsWith('dat: 2024-07-24')) + 1;
    const { findings } = checkDataset(text);
    expect(findings.find((f) => f.includes('"dat"'))).toContain(`(line ${keyLine})`);
  });
});
