import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCatalog } from '../../../src/incident/catalog';
import { DataSetReloader } from '../../../src/incident/reload';
import { startedIncident } from '../../../src/incident/started';
import { exportDataset } from '../../../src/incident/export';
import { checkDataset, parseIncident } from '../../../src/incident/load';
import { minimalDataset } from '../../helpers/incident';
import { MAX_DATASET_BYTES } from '../../../src/incident/read-file';

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

  test('files read with limits: a pipe, a device link, a link outside, a file too large, deep nesting, an alias bomb; each a finding, and other edits still apply', () => {
    const catalog = loadCatalog(dir, ['facts']);
    const reloader = new DataSetReloader(dir, catalog, ['facts']);
    const outside = mkdtempSync(path.join(tmpdir(), 'summit-outside-'));
    try {
      execFileSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
      symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
      writeFileSync(path.join(outside, 'secret.yaml'), data('outside'));
      symlinkSync(path.join(outside, 'secret.yaml'), path.join(dir, 'outside.yaml'));
      writeFileSync(path.join(dir, 'big.yaml'), `# ${'x'.repeat(MAX_DATASET_BYTES)}\n`);
      writeFileSync(path.join(dir, 'deep.yaml'), '['.repeat(200_000));
      const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
      for (let i = 1; i < 12; i++)
        bomb.push(
          `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
            .fill(`*${String.fromCharCode(96 + i)}`)
            .join(',')}]`,
        );
      writeFileSync(path.join(dir, 'bomb.yaml'), bomb.join('\n'));
      // And a good edit beside them.
      writeFileSync(path.join(dir, 'a.yaml'), data('alpha', 'Alpha, edited beside hostile files'));
      const started = Date.now();
      const result = reloader.check();
      expect(Date.now() - started).toBeLessThan(5000);
      expect(catalog.get('alpha')?.title).toBe('Alpha, edited beside hostile files');
      const findings = Object.fromEntries(catalog.broken.map((b) => [path.basename(b.file), b.findings.join(' ')]));
      expect(findings['pipe.yaml']).toMatch(/is a named pipe, not a data set file/);
      expect(findings['zero.yaml']).toMatch(/a link that leads outside the data set folder/);
      expect(findings['outside.yaml']).toMatch(/a link that leads outside the data set folder/);
      expect(findings['big.yaml']).toMatch(/at most 1,048,576 bytes \(1 MB\)/);
      expect(findings['deep.yaml']).toMatch(/nests 200000 levels deep; at most 64/);
      expect(findings['bomb.yaml']).toMatch(/aliases expand too far/);
      expect(catalog.get('outside')).toBeUndefined();
      expect(result.newlyBroken.map((b) => path.basename(b.file)).sort()).toEqual([
        'big.yaml',
        'bomb.yaml',
        'deep.yaml',
        'outside.yaml',
        'pipe.yaml',
        'zero.yaml',
      ]);
      // Said once: the next checks find the same and report nothing new; the large file is not read again.
      expect(reloader.check().newlyBroken).toEqual([]);
      expect(reloader.check().newlyBroken).toEqual([]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test('at start, a file that breaks a limit stops the start naming the file and the fix', () => {
    writeFileSync(path.join(dir, 'big.yaml'), `# ${'x'.repeat(MAX_DATASET_BYTES)}\n`);
    expect(() => loadCatalog(dir, ['facts'])).toThrow(
      /big\.yaml: is [\d,]+ bytes; a data set file may be at most 1,048,576 bytes \(1 MB\)/,
    );
  });
});
