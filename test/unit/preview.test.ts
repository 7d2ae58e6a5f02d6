import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { formatPlan, previewWindow } from '../../src/preview';
import { ConfigError } from '../../src/lib/errors';
import { datasetWith, defaultDatasetText, defaultIncident, ROOT } from '../helpers/incident';

const event = DateTime.fromISO('2024-09-10', { zone: 'America/Los_Angeles' });
const d = (iso: string) => new Date(iso);

describe('npm run preview: its window', () => {
  test('only --from: three months from it; only --to: three months before it; neither: around the event', () => {
    // Midnight in Los Angeles: 08:00 UTC in winter, 07:00 UTC in summer.
    expect(previewWindow({ from: d('2025-01-01T08:00:00Z') }, event)).toEqual({
      from: d('2025-01-01T08:00:00Z'),
      to: d('2025-04-01T07:00:00Z'),
    });
    expect(previewWindow({ to: d('2024-07-25T07:00:00Z') }, event)).toEqual({
      from: d('2024-04-25T07:00:00Z'),
      to: d('2024-07-25T07:00:00Z'),
    });
    const around = previewWindow({}, event);
    expect(around.from.toISOString()).toBe('2024-08-01T07:00:00.000Z');
    expect(around.to.toISOString()).toBe('2024-11-01T06:59:59.999Z');
  });

  test('a backwards window is refused only when both flags were given, naming both', () => {
    expect(() => previewWindow({ from: d('2025-01-01'), to: d('2024-01-01') }, event)).toThrow(ConfigError);
    expect(() => previewWindow({ from: d('2025-01-01'), to: d('2024-01-01') }, event)).toThrow(
      /--to must come after --from/,
    );
    expect(() => previewWindow({ from: d('2025-01-01') }, event)).not.toThrow();
  });

  test('June 1 to July 25, 2024 lists nothing before the outage was known', () => {
    const text = formatPlan(defaultIncident(), d('2024-06-01T07:00:00Z'), d('2024-07-25T07:00:00Z'));
    expect(text.split('\n').slice(1).join('\n')).not.toMatch(/2024-06-\d\d/);
    expect(text).toMatch(/Reminders from .*: 1\n.*2024-07-22 09:00 PDT .* digest/);
  });

  test('as a command: `--from 2025-01-01` alone previews January to April 2025 (exit 0)', async () => {
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [path.join(ROOT, 'dist', 'preview.js'), '--from', '2025-01-01'],
        { cwd: ROOT, env: { PATH: process.env.PATH, DATABASE_URL: 'sqlite::memory:' } },
        (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
      ),
    );
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Reminders from 2025-01-01T08:00:00.000Z to 2025-04-01T07:00:00.000Z/);
    expect(out.stdout).not.toContain('must come after');
  });

  test('--incident <id> previews one incident of a folder; by default every one, each under its id; a closed one plans none', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'summit-preview-')), 'incidents');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'a.yaml'), defaultDatasetText());
    writeFileSync(
      path.join(dir, 'b.yaml'),
      datasetWith((d) => (d.setIn(['id'], 'closed-2024'), d.setIn(['state'], 'closed'))),
    );
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          [path.join(ROOT, 'dist', 'preview.js'), ...args],
          { cwd: ROOT, env: { PATH: process.env.PATH, DATABASE_URL: 'sqlite::memory:', SUMMIT_CONFIG: dir } },
          (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
        ),
      );
    const all = await run(['--from', '2024-09-01']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^# crowdstrike-2024: CrowdStrike outage of July 2024\nReminders from/);
    expect(all.stdout).toContain(
      '# closed-2024: CrowdStrike outage of July 2024\nThis incident is closed: it plans no reminders.',
    );
    const one = await run(['--incident', 'crowdstrike-2024', '--from', '2024-09-01']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^Reminders from/);
    const wrong = await run(['--incident', 'crowdstrke-2024']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      '--incident: there is no incident "crowdstrke-2024" (did you mean crowdstrike-2024?)',
    );
  });
});
