import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkDataset, parseIncident } from '../../../src/incident/load';
import { datasetWith, defaultDatasetText, ROOT } from '../../helpers/incident';

const NOT_VERIFIED = readFileSync(path.join(ROOT, 'test', 'fixtures', 'not-verified.txt'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

const findings = (text: string, forbidden: string[] = []) => {
  const r = checkDataset(text, forbidden);
  return [...r.yaml, ...r.findings];
};

describe('the data-set lint', () => {
  test('the default data set has no findings, and none of the phrases facts.md marks as not verified', () => {
    expect(findings(defaultDatasetText(), NOT_VERIFIED)).toEqual([]);
  });

  // One fixture per rule: each fails with a finding naming the field, its line and the fix.
  test.each([
    [
      'a fact shown (since:) before its source was published',
      datasetWith((d) => d.setIn(['incident', 'facts', 0, 'since'], '2024-07-20')),
      /incident\.facts\[0\]\.since \(line \d+\): 2024-07-20 is before its source "cs-pir" was published \(2024-07-24\)/,
    ],
    [
      'a timeline entry shown (since:) before its source was published',
      datasetWith((d) => d.setIn(['incident', 'timeline', 0, 'since'], '2024-07-19T06:00:00Z')),
      /incident\.timeline\[0\]\.since \(line \d+\): 2024-07-19T06:00:00Z is before its source "cs-pir"/,
    ],
    [
      'an answer that cites a source dated after it',
      datasetWith((d) => d.setIn(['questions', 0, 'history', 0, 'at'], '2024-08-01')),
      /questions\[0\]\.history\[0\]\.at \(line \d+\): 2024-08-01 is before its source "cs-rca" was published \(2024-08-06\): an answer cannot cite a source from later/,
    ],
    [
      'a receipt dated before its source',
      datasetWith((d) => d.setIn(['expectedUpdates', 0, 'received', 'at'], '2024-09-11')),
      /expectedUpdates\[0\]\.received\.at \(line \d+\): 2024-09-11 is before its source "win-0912"/,
    ],
    [
      'a later wording that starts before the fact is shown',
      datasetWith((d) => d.setIn(['incident', 'facts', 9, 'until'], '2024-08-01')),
      /incident\.facts\[9\]\.until \(line \d+\): 2024-08-01 is not after the fact is first shown/,
    ],
    [
      'until: without then:',
      datasetWith((d) => d.deleteIn(['incident', 'facts', 9, 'then'])),
      /incident\.facts\[9\]\.then \(line \d+\): until: and then: go together/,
    ],
    [
      'a URL that is not http(s)',
      datasetWith((d) => d.setIn(['incident', 'sources', 0, 'url'], 'ftp://example.com/pir')),
      /incident\.sources\[0\]\.url \(line \d+\): must be an http:\/\/ or https:\/\/ URL/,
    ],
    [
      'a source without a title',
      datasetWith((d) => d.deleteIn(['incident', 'sources', 0, 'title'])),
      /incident\.sources\[0\]\.title \(line \d+\): is required/,
    ],
    [
      'a source id that does not resolve',
      datasetWith((d) => d.setIn(['incident', 'facts', 0, 'source'], 'cs-pri')),
      /incident\.facts\[0\]\.source \(line \d+\): unknown source "cs-pri"/,
    ],
  ])('%s', (_what, text, finding) => {
    const found = findings(text);
    expect(found.join('\n')).toMatch(finding);
    // The same finding stops the bot at start.
    expect(() => parseIncident(text, 'summit.yaml')).toThrow(finding);
  });

  test('a phrase ruled out is found as whole words only, wherever it is', () => {
    const text = datasetWith((d) =>
      d.setIn(['questions', 2, 'text'], 'Did Microsoft report losses of $5.4 billion, and was eBPF discussed?'),
    );
    const found = findings(text, NOT_VERIFIED);
    expect(found.join('\n')).toMatch(/questions\[2\]\.text \(line \d+\): contains "\$5\.4"/);
    expect(found.join('\n')).toMatch(/contains "eBPF"/);
    // "Rust" is a word of its own, not a part of "trust".
    expect(
      findings(
        datasetWith((d) => d.setIn(['questions', 2, 'text'], 'Can we trust the count?')),
        ['Rust'],
      ),
    ).toEqual([]);
  });

  test('npm run check-data prints each finding with its file, field and line, and exits 1; 0 when clean', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'summit-check-'));
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      datasetWith((d) => d.setIn(['questions', 0, 'history', 0, 'at'], '2024-08-01')),
    );
    const cli = (args: string[]) =>
      spawnSync(process.execPath, [path.join(ROOT, 'dist', 'check-data.js'), ...args], { encoding: 'utf8' });
    const failed = cli([bad]);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain(`${bad}: 1 finding`);
    expect(failed.stdout).toMatch(/questions\[0\]\.history\[0\]\.at \(line \d+\)/);
    // The default folder, every file of it.
    const clean = cli([
      path.join(ROOT, 'config', 'incidents'),
      '--forbid',
      path.join(ROOT, 'test', 'fixtures', 'not-verified.txt'),
    ]);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toContain('crowdstrike-2024.yaml: no findings');
    expect(cli([path.join(dir, 'missing.yaml')]).status).toBe(2);
  });

  test('npm run check-data on a folder: the rules across files (ids unique, never a command word), each by file and line', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'summit-check-folder-'));
    writeFileSync(
      path.join(dir, 'a.yaml'),
      datasetWith(() => undefined),
    );
    writeFileSync(
      path.join(dir, 'b.yaml'),
      datasetWith(() => undefined),
    );
    writeFileSync(
      path.join(dir, 'c.yaml'),
      datasetWith((d) => d.setIn(['id'], 'facts')),
    );
    writeFileSync(path.join(dir, 'notes.txt'), 'not a data set');
    const run = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'check-data.js'), dir], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('a.yaml: no findings');
    expect(run.stdout).toMatch(/b\.yaml: id \(line \d+\): "crowdstrike-2024" is already the id of .*a\.yaml/);
    expect(run.stdout).toMatch(/c\.yaml: id \(line \d+\): "facts" is the word of a \/summit command/);
    expect(run.stdout).not.toContain('notes.txt');
  });
});
