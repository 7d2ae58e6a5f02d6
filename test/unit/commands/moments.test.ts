import type { FollowUpStore } from '../../../src/store/repository';
import { parseIncident } from '../../../src/incident/load';
import { defaultIncident } from '../../helpers/incident';
import { ADMIN, contextWith, MEMBER, runText, testStore } from '../../helpers/store';

/** What the default data set says at the moments a newcomer tried: each at the moment concerned. */
describe('the CrowdStrike incident at its moments', () => {
  let store: FollowUpStore;
  beforeEach(async () => {
    store = await testStore();
  });
  afterEach(() => store.close());
  const at = (text: string, now: string) => runText(text, contextWith(defaultIncident(), store, now, MEMBER));

  test('before the summit was announced (August 23, 2024), facts lists only the topics known by then', async () => {
    const before = (await at('facts', '2024-08-22T12:00:00Z')).plain;
    expect(before).toMatch(/Topics: outage\./);
    expect(before).not.toMatch(/Topics: [^.]*summit/);
    expect(before).not.toMatch(/Topics: [^.]*aftermath/);
    expect((await at('facts', '2024-09-03T12:00:00Z')).plain).toMatch(/Topics: [^.]*summit/);
  });

  test('before the event, the audience says government representatives were to be invited, not that they attend', async () => {
    const when = (await at('when', '2024-09-03T12:00:00Z')).plain;
    expect(when).toContain('Audience: CrowdStrike and other key partners who deliver endpoint security technologies');
    expect(when).toContain('government representatives will be invited');
    expect(when).not.toMatch(/technologies, and government representatives/);
  });

  test('after the digests ended, schedule names the last one (Monday, October 7, 2024) and the rule', async () => {
    const schedule = (await at('schedule', '2024-10-20T12:00:00Z')).plain;
    expect(schedule).toContain('the last was due on Monday, October 7, 2024');
    expect(schedule).toContain('(they run until 30d after the event)');
    expect(schedule).not.toContain('October 11');
  });

  test('an outage with no event says so plainly, never "no event has been announced yet"', async () => {
    const outage = parseIncident(
      JSON.stringify({
        id: 'payments-2026',
        timezone: 'Europe/London',
        incident: {
          title: 'Payments outage',
          summary: 'Card payments failed.',
          sources: [
            { id: 's1', title: 'Report', publisher: 'Pay Co', date: '2026-12-01', url: 'https://example.com/r' },
          ],
        },
      }),
      'payments.yaml',
    );
    const ctx = contextWith(outage, store, '2026-12-02T12:00:00Z', MEMBER);
    for (const text of ['status', 'when']) {
      const plain = (await runText(text, ctx)).plain;
      expect(plain).toContain('This incident has no event');
      expect(plain).not.toContain('No event has been announced yet');
    }
  });

  test('after retracting the only fact, facts says it was withdrawn, when and why: never "nothing is known yet"', async () => {
    const outage = parseIncident(
      JSON.stringify({
        id: 'payments-2026',
        timezone: 'UTC',
        incident: {
          title: 'Payments outage',
          summary: 'Card payments failed.',
          sources: [
            { id: 's1', title: 'Report', publisher: 'Pay Co', date: '2026-12-01', url: 'https://example.com/r' },
          ],
          facts: [{ id: 'down', topic: 'outage', text: 'Payments were down for two hours.', source: 's1' }],
        },
      }),
      'payments.yaml',
    );
    const admin = contextWith(outage, store, '2026-12-02T12:00:00Z', ADMIN);
    expect((await runText('retract down The report was corrected by the provider', admin)).changed).toBe(true);
    const later = contextWith(outage, store, '2026-12-03T12:00:00Z', MEMBER);
    const facts = (await runText('facts', later)).plain;
    expect(facts).toContain('Nothing stands on this now: its one fact was withdrawn.');
    expect(facts).toContain(
      'Payments were down for two hours. — withdrawn Wednesday, December 2, 2026: The report was corrected by the provider',
    );
    expect(facts).not.toContain('Nothing is known yet');
    // As of before the retraction, the fact stands.
    expect((await runText('facts', contextWith(outage, store, '2026-12-01T18:00:00Z', MEMBER))).plain).toContain(
      'Payments were down for two hours.',
    );
  });
});
