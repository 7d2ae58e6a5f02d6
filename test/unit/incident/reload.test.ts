import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCatalog } from '../../../src/incident/catalog';
import { DataSetReloader } from '../../../src/incident/reload';
import { startedIncident } from '../../../src/incident/started';
import { exportDataset } from '../../../src/incident/export';
import { checkDataset, parseIncident } from '../../../src/incident/load';
import { minimalDataset } from '../../helpers/incident';

const data = (id: string, title = `Incident ${id}`) =>
  JSON.stringify({
    ...JSON.parse(minimalDataset({ date: '2024-02-01' }, { id })),
    incident: { ...JSON.parse(minimalDataset({ date: '2024-02-01' })).incident, title },
  });

/** An incident started in Slack, as the store gives it. */
const started = {
  id: 'cloud-2026',
  title: 'Cloud outage',
  summary: 'Started in Slack.',
  timezone: 'Europe/Berlin',
  actor: { id: 'U0ADA', name: 'ada' },
  at: new Date('2026-12-02T15:00:00Z'),
};

describe('data set files read again while the bot runs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'summit-reload-unit-'));
    writeFileSync(path.join(dir, 'a.yaml'), data('alpha'));
    writeFileSync(path.join(dir, 'b.yaml'), data('beta'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('nothing changed: nothing replaced; an edit, a new file and a removed one each replace the incidents', () => {
    const catalog = loadCatalog(dir, ['facts']);
    const reloader = new DataSetReloader(dir, catalog, ['facts']);
    expect(reloader.check()).toEqual({ changed: false, newlyBroken: [] });
    expect(catalog.generation).toBe(0);

    writeFileSync(path.join(dir, 'a.yaml'), data('alpha', 'Alpha, renamed'));
    expect(reloader.check().changed).toBe(true);
    expect(catalog.get('alpha')?.title).toBe('Alpha, renamed');
    expect(catalog.generation).toBe(1);

    writeFileSync(path.join(dir, 'c.yaml'), data('gamma'));
    unlinkSync(path.join(dir, 'b.yaml'));
    reloader.check();
    expect(catalog.incidents.map((i) => i.id)).toEqual(['alpha', 'gamma']);
  });

  test('a broken edit keeps the last good version and is reported once; a new file taking an id is not used', () => {
    const catalog = loadCatalog(dir, ['facts']);
    const reloader = new DataSetReloader(dir, catalog, ['facts']);
    const good = catalog.get('alpha');
    writeFileSync(path.join(dir, 'a.yaml'), 'id: alpha\nincident: [');
    const first = reloader.check();
    expect(first.newlyBroken).toMatchObject([{ file: path.join(dir, 'a.yaml'), incidentId: 'alpha' }]);
    expect(catalog.get('alpha')).toBe(good);
    expect(catalog.broken).toHaveLength(1);
    // Checked again unchanged: not reported again.
    expect(reloader.check()).toEqual({ changed: false, newlyBroken: [] });

    writeFileSync(path.join(dir, 'z.yaml'), data('beta'));
    const taken = reloader.check();
    expect(taken.newlyBroken.map((b) => [path.basename(b.file), b.findings[0]?.includes('already the id of')])).toEqual(
      [['z.yaml', true]],
    );
    expect(catalog.incidents.map((i) => i.id)).toEqual(['alpha', 'beta']);

    writeFileSync(path.join(dir, 'a.yaml'), data('alpha'));
    unlinkSync(path.join(dir, 'z.yaml'));
    reloader.check();
    expect(catalog.broken).toEqual([]);
  });

  test('a folder left with no data set keeps every incident and says why', () => {
    const catalog = loadCatalog(dir, []);
    const reloader = new DataSetReloader(dir, catalog, []);
    unlinkSync(path.join(dir, 'a.yaml'));
    unlinkSync(path.join(dir, 'b.yaml'));
    const result = reloader.check();
    expect(result.changed).toBe(false);
    expect(result.newlyBroken[0]?.findings[0]).toContain('holds no *.yaml file');
    expect(catalog.incidents.map((i) => i.id)).toEqual(['alpha', 'beta']);
    expect(reloader.check().newlyBroken).toEqual([]);
    // The files come back as they were: the finding goes.
    writeFileSync(path.join(dir, 'a.yaml'), data('alpha'));
    writeFileSync(path.join(dir, 'b.yaml'), data('beta'));
    reloader.check();
    expect(catalog.broken).toEqual([]);
  });

  test('incidents started in Slack join the catalog at a check (another replica), and a file taking one of their ids is not used', () => {
    const catalog = loadCatalog(dir, []);
    const reloader = new DataSetReloader(dir, catalog, []);
    expect(reloader.check([started]).changed).toBe(true);
    expect(catalog.get('cloud-2026')).toMatchObject({
      title: 'Cloud outage',
      zone: 'Europe/Berlin',
      admins: ['U0ADA'],
    });
    expect(catalog.get('cloud-2026')?.event).toBeUndefined();
    expect(reloader.check([started]).changed).toBe(false);

    writeFileSync(path.join(dir, 'c.yaml'), data('cloud-2026'));
    const taken = reloader.check([started]);
    expect(taken.newlyBroken[0]?.findings[0]).toContain('is already the id of the incident started in Slack');
    expect(catalog.get('cloud-2026')?.title).toBe('Cloud outage');
  });

  test('an incident started in Slack exports as a data set that passes the checks', () => {
    const incident = startedIncident(started);
    if (!incident) throw new Error('a valid started incident');
    const text = exportDataset(undefined, incident.origin);
    expect(checkDataset(text).findings).toEqual([]);
    expect(parseIncident(text, 'cloud.yaml')).toMatchObject({ id: 'cloud-2026', zone: 'Europe/Berlin' });
  });
});
