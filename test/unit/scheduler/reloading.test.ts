import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCatalog } from '../../../src/incident/catalog';
import { DataSetReloader } from '../../../src/incident/reload';
import type { StartedIncident } from '../../../src/incident/started';
import { StoreUnavailableError } from '../../../src/lib/errors';
import { startReloading } from '../../../src/scheduler/reloading';
import { minimalDataset } from '../../helpers/incident';
import { silent } from '../../helpers/store';

const data = (id: string, title: string) =>
  JSON.stringify({
    ...JSON.parse(minimalDataset({ date: '2024-02-01' }, { id })),
    incident: { ...JSON.parse(minimalDataset({ date: '2024-02-01' })).incident, title },
  });

describe('reloading the data set files', () => {
  test('an edit applies while the store does not answer, with the incidents started in Slack as last read', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'summit-reloading-'));
    try {
      writeFileSync(path.join(dir, 'a.yaml'), data('alpha', 'Alpha'));
      const catalog = loadCatalog(dir, []);
      const started: StartedIncident = {
        id: 'cloud-2026',
        title: 'Cloud outage',
        summary: 'Started in Slack.',
        timezone: 'UTC',
        actor: { id: 'U0ADA', name: 'ada' },
        at: new Date('2026-12-02T15:00:00Z'),
      };
      let down = false;
      const reloading = startReloading({
        reloader: new DataSetReloader(dir, catalog, []),
        started: async () => {
          if (down) throw new StoreUnavailableError();
          return [started];
        },
        everyMs: 0,
        log: silent,
        onChange: async () => undefined,
        onBroken: async () => undefined,
      });
      await reloading.check();
      expect(catalog.incidents.map((i) => i.id)).toEqual(['alpha', 'cloud-2026']);
      down = true;
      writeFileSync(path.join(dir, 'a.yaml'), data('alpha', 'Alpha, edited during an outage'));
      await reloading.check();
      expect(catalog.get('alpha')?.title).toBe('Alpha, edited during an outage');
      // The incident started in Slack stays.
      expect(catalog.incidents.map((i) => i.id)).toEqual(['alpha', 'cloud-2026']);
      await reloading.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
