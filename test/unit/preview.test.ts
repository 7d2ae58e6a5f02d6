import { execFile } from 'node:child_process';
import path from 'node:path';
import { DateTime } from 'luxon';
import { formatPlan, previewWindow } from '../../src/preview';
import { ConfigError } from '../../src/lib/errors';
import { defaultIncident, ROOT } from '../helpers/incident';

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
});
