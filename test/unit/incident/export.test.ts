import { runCommand } from '../../../src/commands/run';
import { parseCommand } from '../../../src/commands/registry';
import type { Command } from '../../../src/commands/types';
import { curate } from '../../../src/core/curate';
import { exportDataset } from '../../../src/incident/export';
import { contentOf, fingerprint, liveEntry } from '../../../src/incident/items';
import { checkDataset, parseIncident } from '../../../src/incident/load';
import type { Incident } from '../../../src/incident/model';
import { toSlackMessage } from '../../../src/views/render-slack';
import { toPlainText } from '../../../src/views/render-text';
import { defaultDatasetText, defaultIncident } from '../../helpers/incident';
import { contextWith, testStore } from '../../helpers/store';
import type { FollowUpStore } from '../../../src/store/repository';

/**
 * The export round trip: an incident's file with what was added, corrected and retracted in Slack, exported, then
 * loaded alone into an empty store, gives the same replies to every read command at every moment (before, between
 * and after the changes), in the console and as an admin in Slack (ids and buttons).
 */
describe('npm run export', () => {
  const base = defaultIncident();
  let store: FollowUpStore;
  let empty: FollowUpStore;
  beforeEach(async () => {
    store = await testStore();
    empty = await testStore();
  });
  afterEach(async () => {
    await store.close();
    await empty.close();
  });

  const run = async (cmd: Command, at: string) => {
    const result = await runCommand(cmd, contextWith(base, store, at));
    expect(result.changed).toBe(true);
  };

  test('loaded alone into an empty store, the export answers every read command as the file and the store did', async () => {
    const entry = (kind: 'source' | 'fact' | 'timeline' | 'expected', fields: Record<string, unknown>) => fields;
    await run(
      {
        name: 'curate',
        meta: { kind: 'source', action: 'add' },
        entry: entry('source', {
          title: 'Vendor statement',
          publisher: 'Example Vendor',
          date: '2025-01-09',
          url: 'https://example.com/statement',
        }),
        proposedId: 'example-vendor-2025-01-09',
      },
      '2025-01-10T12:00:00Z',
    );
    await run(
      {
        name: 'curate',
        meta: { kind: 'fact', action: 'add' },
        entry: { topic: 'aftermath', text: 'The vendor issued a statement.', source: 'example-vendor-2025-01-09' },
      },
      '2025-01-12T12:00:00Z',
    );
    const first = base.facts[0] as Incident['facts'][number];
    await run(
      {
        name: 'curate',
        meta: {
          kind: 'fact',
          action: 'correct',
          itemId: first.id,
          base: fingerprint(liveEntry(base.origin, 'fact', first.id)!),
        },
        entry: { topic: 'outage', text: 'A corrected account of the release.', source: 'cs-pir' },
      },
      '2025-01-14T12:00:00Z',
    );
    const entryToRetract = base.timeline[1] as Incident['timeline'][number];
    await run(parseCommand(`retract ${entryToRetract.id} it repeated the entry before it`), '2025-01-15T12:00:00Z');
    await run(
      {
        name: 'curate',
        meta: { kind: 'expected', action: 'add' },
        entry: {
          text: 'A follow-up from the vendor',
          expected: '2025-02-01',
          estimated: true,
          source: 'example-vendor-2025-01-09',
        },
        proposedId: 'vendor-follow-up',
      },
      '2025-01-16T12:00:00Z',
    );

    const event = liveEntry(base.origin, 'event', 'event');
    if (!event) throw new Error('the default data set has an event');
    await run(
      {
        name: 'curate',
        meta: { kind: 'event', action: 'correct', itemId: 'event', base: fingerprint(event) },
        entry: { ...contentOf(event), location: 'Microsoft headquarters, Redmond, Washington (building 92)' },
      },
      '2025-01-16T18:00:00Z',
    );

    const layered = curate(base, (await store.scoped(base.id).state()).curations);
    expect(layered.setAside).toBeUndefined();
    const text = exportDataset(defaultDatasetText(), layered.origin);
    expect(checkDataset(text).findings).toEqual([]);
    // The file's comments outside the lists stay.
    expect(text).toContain('# nudges from each expected update');
    const exported = parseIncident(text, 'exported.yaml');
    // The corrected event is the export's, its first version kept for the moments before the correction.
    expect(exported.event?.location).toContain('building 92');
    expect(exported.eventHistory.map((e) => e.withdrawn?.reason)).toEqual(['corrected']);

    const moments = [
      '2024-07-20T00:00:00Z',
      '2024-09-11T00:00:00Z',
      '2025-01-10T11:59:59Z',
      '2025-01-10T12:00:00Z',
      '2025-01-13T00:00:00Z',
      '2025-01-14T11:59:59Z',
      '2025-01-14T12:00:01Z',
      '2025-01-15T12:00:01Z',
      '2025-01-16T17:59:59Z',
      '2025-01-17T00:00:00Z',
      '2026-12-02T00:00:00Z',
    ];
    const ids = [
      first.id,
      entryToRetract.id,
      'example-vendor-2025-01-09',
      'vendor-follow-up',
      'post-summit',
      'Q1',
      'event',
    ];
    const commands = ['status', 'facts', 'facts outage', 'when', 'timeline', 'updates', 'questions all', 'schedule'];
    for (const at of moments)
      for (const text of [...commands, ...ids.map((id) => `history ${id}`)]) {
        const before = await runCommand(parseCommand(text), {
          ...contextWith(base, store, at),
          channelId: 'C0GENERAL',
        });
        const after = await runCommand(parseCommand(text), {
          ...contextWith(exported, empty, at),
          channelId: 'C0GENERAL',
        });
        expect([at, text, toPlainText(after.reply)]).toEqual([at, text, toPlainText(before.reply)]);
        expect(JSON.stringify(toSlackMessage(after.reply))).toBe(JSON.stringify(toSlackMessage(before.reply)));
      }
  });
});
