import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkDataset } from '../../src/incident/load';
import { ROOT } from '../helpers/incident';
import { cleanEnv, freePort, runBot, startBotProcess } from '../helpers/process';

/**
 * The console does what Slack does: the forms of new, add and correct are asked field by field, in the order the
 * Slack form has them, read line by line from a pipe (as docs/running-an-incident.md shows), with the same checks.
 */
describe('the console fills the forms Slack opens', () => {
  test('printf into npm start: new, add source, add fact, correct and retract it; the export passes check-data', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'summit-console-forms-'));
    const env = cleanEnv({ DATABASE_URL: `sqlite:${path.join(dir, 'summit.db')}`, SUMMIT_NOW_STORE: 'copy' });
    const first = await runBot([], {
      env,
      input: [
        'new',
        'Payments outage', // Title
        '', // Id: made from the title
        'Europe/London', // Time zone
        'Card payments failed for two hours.', // Summary
        '', // GitHub repository: none
        'add source',
        'https://status.example.com/incidents/1234', // URL
        'Incident report for card payments', // Title
        'Example Payments', // Publisher
        '2026-12-01', // Date
        'add fact',
        'outage', // New topic (no topic yet, so no topic menu)
        'https://not-a-text', // Text... a first try: too long below is refused instead
        '3', // Source: there is one, so 3 is refused and asked again
        '1',
        'facts',
        '',
      ].join('\n'),
      timeoutMs: 20_000,
    });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Started Payments outage (payments-outage).');
    expect(first.stdout).toContain('Added source example-payments-2026-12-01');
    expect(first.stdout).toContain('  Source: Type a number from 1 to 1.');
    const id = /Added fact (\S+):/.exec(first.stdout)?.[1] as string;
    expect(id).toMatch(/^[a-z0-9-]+$/);
    // Ids shown as Slack shows them to an admin: the console is the incident's local admin.
    expect(first.stdout).toContain(`  - ${id} outage: https://not-a-text`);
    // Never JSON between prompt and reply: log lines are sentences on standard error.
    expect(first.stdout).not.toContain('"level"');
    expect(first.stderr).not.toMatch(/^\{"level"/m);

    const second = await runBot([], {
      env,
      input: [
        `payments-outage correct ${id}`,
        '', // Topic menu: keep
        '', // New topic: empty
        'Card payments failed from 09:10 to 11:05 UK time.', // Text
        '', // Source: keep
        `payments-outage retract ${id} The provider withdrew its first report`,
        'payments-outage facts',
        '',
      ].join('\n'),
      timeoutMs: 20_000,
    });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`Corrected fact ${id}`);
    expect(second.stdout).toContain(`Retracted fact ${id}`);
    expect(second.stdout).toContain('Nothing stands on this now: its one fact was withdrawn.');

    const out = path.join(dir, 'payments-outage.yaml');
    const exported = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'export.js'), 'payments-outage', out], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    });
    expect(exported.stderr).toContain('Wrote ');
    expect(exported.status).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(checkDataset(text)).toMatchObject({ yaml: [], findings: [] });
    expect(text).toContain('Card payments failed from 09:10 to 11:05 UK time.');
    expect(text).toContain('The provider withdrew its first report');
  });

  test('with PUBLIC_URL set, the pages stay up after piped input ends, until SIGTERM', async () => {
    const port = await freePort();
    const bot = startBotProcess(
      cleanEnv({
        PUBLIC_URL: 'https://summit.example.com',
        WEB_LINK_SECRET: 'console-link-secret-0123456789abcdef-0123',
        PORT: String(port),
        HOST: '127.0.0.1',
      }),
      /the pages stay up/,
    );
    try {
      bot.child.stdin.end('link\n');
      await bot.ready;
      const link = /(https:\/\/summit\.example\.com\/incidents\/crowdstrike-2024\?token=[^\s>]+)/.exec(
        bot.output(),
      )?.[1];
      expect(link).toBeDefined();
      const local = (link as string).replace('https://summit.example.com', `http://127.0.0.1:${port}`);
      const res = await fetch(local);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('CrowdStrike outage of July 2024');
      bot.child.kill('SIGTERM');
      expect((await bot.exited).code).toBe(0);
    } finally {
      bot.child.kill('SIGKILL');
    }
  });
});
