import { curate, layer } from '../../../src/core/curate';
import { factsAsOf, outstandingUpdates } from '../../../src/core/incident';
import { planReminders } from '../../../src/core/plan';
import type { RecordedCuration } from '../../../src/core/records';
import { fingerprint, liveEntry } from '../../../src/incident/items';
import { checkDataset, parseIncident } from '../../../src/incident/load';
import { stringify } from 'yaml';
import { datasetWith, defaultIncident } from '../../helpers/incident';

const ADA = { id: 'U0ADA', name: 'ada' };
const base = defaultIncident();
const firstFact = base.facts[0];
if (!firstFact) throw new Error('the default data set has facts');

const correction = (at: string, text: string, baseFp = fingerprint(liveEntry(base.origin, 'fact', firstFact.id)!)) =>
  ({
    id: 1,
    kind: 'fact',
    itemId: firstFact.id,
    action: 'correct',
    entry: { topic: firstFact.topic, text, source: firstFact.source.id },
    base: baseFp,
    actor: ADA,
    at: new Date(at),
  }) satisfies RecordedCuration;

describe('what is added, corrected and retracted in Slack, layered on the data set file', () => {
  test('facts and timeline entries have short ids that stay when other entries are added or moved', () => {
    expect(base.facts.every((f) => /^f[a-z0-9]{5}$/.test(f.id))).toBe(true);
    expect(new Set(base.facts.map((f) => f.id)).size).toBe(base.facts.length);
    const moved = parseIncident(
      datasetWith((d) => {
        const facts = d.getIn(['incident', 'facts']) as { items: unknown[] };
        facts.items.reverse();
        facts.items.unshift(d.createNode({ topic: 'outage', text: 'A new first fact.', source: 'cs-pir' }));
      }),
      'moved.yaml',
    );
    expect(moved.facts.find((f) => f.text === firstFact.text)?.id).toBe(firstFact.id);
  });

  test('a correction withdraws the version it replaces from its moment; "as of" before it, the first version shows', () => {
    const state = [correction('2025-01-16T09:00:00Z', 'Corrected wording.')];
    const curated = curate(base, state);
    const texts = (at: string) => factsAsOf(curated, new Date(at)).map((f) => f.text);
    expect(texts('2025-01-16T08:59:59Z')).toContain(firstFact.text);
    expect(texts('2025-01-16T08:59:59Z')).not.toContain('Corrected wording.');
    expect(texts('2025-01-16T09:00:00Z')).toContain('Corrected wording.');
    expect(texts('2025-01-16T09:00:00Z')).not.toContain(firstFact.text);
  });

  test('a correction of an entry the file has changed since is set aside and reported, never applied', () => {
    const { dataset, setAside } = layer(base.origin, [correction('2025-01-16T09:00:00Z', 'x', 'another-version')]);
    expect(setAside).toEqual([
      `correct of fact ${firstFact.id} by ada at 2025-01-16T09:00:00.000Z: the data set file changed it since`,
    ]);
    expect(dataset.incident.facts).toEqual(base.origin.incident.facts);
  });

  test('a retracted expected update is no longer outstanding and its nudges stop from the retraction on', () => {
    const edited = parseIncident(
      datasetWith((d) => {
        d.deleteIn(['expectedUpdates', 0, 'received']);
      }),
      'open-update.yaml',
    );
    const entry = liveEntry(edited.origin, 'expected', 'post-summit');
    if (!entry) throw new Error('post-summit is in the data set');
    const retracted = curate(edited, [
      {
        id: 1,
        kind: 'expected',
        itemId: 'post-summit',
        action: 'retract',
        base: fingerprint(entry),
        reason: 'Microsoft said no further update will come',
        actor: ADA,
        at: new Date('2024-09-13T00:00:00Z'),
      },
    ]);
    expect(outstandingUpdates(retracted, new Date('2024-09-12T12:00:00Z'))).toHaveLength(1);
    expect(outstandingUpdates(retracted, new Date('2024-09-13T01:00:00Z'))).toEqual([]);
    const nudges = (i: typeof edited) =>
      planReminders(i, new Date('2024-09-01T00:00:00Z'), new Date('2024-12-31T00:00:00Z')).filter(
        (r) => r.kind === 'nudge',
      );
    expect(edited.reminders?.updates).toBeDefined();
    expect(nudges(retracted).length).toBeGreaterThan(0);
    expect(nudges(retracted).every((r) => r.at < new Date('2024-09-13T00:00:00Z'))).toBe(true);
    expect(nudges(retracted).length).toBeLessThan(nudges(edited).length);
  });

  test('the layered data set passes the data set checks: withdrawn versions share an id, live ones may not', () => {
    const { dataset } = layer(base.origin, [correction('2025-01-16T09:00:00Z', 'Corrected wording.')]);
    expect(checkDataset(stringify(dataset)).findings).toEqual([]);
    const twice = structuredClone(dataset);
    twice.incident.facts.push({ ...twice.incident.facts[0]!, withdrawn: undefined });
    delete twice.incident.facts[twice.incident.facts.length - 1]!.withdrawn;
    const findings = checkDataset(stringify(twice)).findings;
    expect(findings.join('\n')).toContain(`duplicate fact id "${firstFact.id}"`);
  });
});
