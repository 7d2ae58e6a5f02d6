import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { reservedWords } from '../../../src/commands/registry';
import { Catalog, loadCatalog, upgradeIncident } from '../../../src/incident/catalog';
import { ConfigError } from '../../../src/lib/errors';
import {
  closedOutage,
  cloudOutage,
  datasetWith,
  defaultDatasetText,
  defaultIncident,
  ROOT,
} from '../../helpers/incident';

/** A data set folder, or one file: what SUMMIT_CONFIG names. */
describe('the data set folder', () => {
  const folder = (files: Record<string, string>): string => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'summit-folder-')), 'incidents');
    mkdirSync(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  };
  const fails = (where: string): string => {
    try {
      loadCatalog(where, reservedWords());
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error('loaded');
  };

  test('the default folder holds the CrowdStrike data set, as crowdstrike-2024, active', () => {
    const catalog = loadCatalog(path.join(ROOT, 'config', 'incidents'), reservedWords());
    expect(catalog.incidents.map((i) => [i.id, i.state])).toEqual([['crowdstrike-2024', 'active']]);
    expect(catalog.sole()?.id).toBe('crowdstrike-2024');
  });

  test('every *.yaml of a folder is one incident, in file-name order, active ones first; other files are not read', () => {
    const dir = folder({
      'b.yaml': defaultDatasetText(),
      'a.yaml': datasetWith((d) => {
        d.setIn(['id'], 'aaa-2025');
        d.setIn(['state'], 'closed');
      }),
      'c.yml': datasetWith((d) => d.setIn(['id'], 'ccc-2026')),
      'README.txt': 'not a data set',
    });
    const catalog = loadCatalog(dir, reservedWords());
    expect(catalog.incidents.map((i) => i.id)).toEqual(['crowdstrike-2024', 'ccc-2026', 'aaa-2025']);
    expect(catalog.active.map((i) => i.id)).toEqual(['crowdstrike-2024', 'ccc-2026']);
    expect(catalog.sole()).toBeUndefined();
    // One file still works, as before.
    expect(loadCatalog(path.join(dir, 'b.yaml')).incidents.map((i) => i.id)).toEqual(['crowdstrike-2024']);
  });

  test('one broken file stops the start naming the file, field and line', () => {
    const dir = folder({
      'a.yaml': defaultDatasetText(),
      'b.yaml': datasetWith((d) => {
        d.setIn(['id'], 'bbb-2026');
        d.setIn(['event', 'timezone'], 'Mars/Olympus');
      }),
    });
    expect(fails(dir)).toMatch(
      /Data set .*b\.yaml is invalid:\n\s+- event\.timezone \(line \d+\): must be an IANA time zone/,
    );
  });

  test('an id is required, and must be 2-40 characters of a-z, 0-9 and "-"', () => {
    const dir = folder({ 'a.yaml': datasetWith((d) => d.deleteIn(['id'])) });
    expect(fails(dir)).toMatch(/a\.yaml is invalid:\n\s+- id( \(line \d+\))?: is required/);
    for (const bad of ['A', 'Crowdstrike', '-x-', 'x'.repeat(41), 'a_b'])
      expect(fails(folder({ 'a.yaml': datasetWith((d) => d.setIn(['id'], bad)) }))).toMatch(
        /- id \(line \d+\): must be 2-40 characters of a-z, 0-9 and "-"/,
      );
  });

  test('two files with the same id are refused by name; an id that is a command word too', () => {
    const dup = fails(folder({ 'a.yaml': defaultDatasetText(), 'b.yaml': defaultDatasetText() }));
    expect(dup).toMatch(/b\.yaml: id \(line \d+\): "crowdstrike-2024" is already the id of .*a\.yaml/);
    for (const word of ['facts', 'help', 'incidents', 'use', 'overview'])
      expect(fails(folder({ 'a.yaml': datasetWith((d) => d.setIn(['id'], word)) }))).toContain(
        `"${word}" is the word of a /summit command`,
      );
  });

  test('an empty folder, or none, stops the start saying what to put there', () => {
    expect(fails(folder({}))).toMatch(/holds no \*\.yaml file/);
    expect(fails(path.join(tmpdir(), 'no-such-folder-summit'))).toMatch(/not found\. Set SUMMIT_CONFIG/);
  });

  test('the closest ids to a mistyped one; the incident a store from before belongs to', () => {
    const catalog = new Catalog([defaultIncident(), cloudOutage(), closedOutage()]);
    expect(catalog.closest('crowdstrke-2024')).toEqual(['crowdstrike-2024']);
    expect(catalog.closest('cloud')).toEqual(['cloud-outage-2026']);
    expect(catalog.closest('zzz')).toEqual([]);
    expect(upgradeIncident(catalog, undefined)).toBeUndefined();
    expect(upgradeIncident(catalog, 'cloud-outage-2026')).toBe('cloud-outage-2026');
    expect(() => upgradeIncident(catalog, 'nope-2020')).toThrow(/SUMMIT_UPGRADE_INCIDENT: "nope-2020" is none of/);
    expect(upgradeIncident(new Catalog([defaultIncident()]), undefined)).toBe('crowdstrike-2024');
  });
});
