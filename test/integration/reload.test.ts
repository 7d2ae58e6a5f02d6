import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeSlack } from '../helpers/fake-slack';
import { describePostgres, freshSchema } from '../helpers/postgres';
import { cleanEnv, freePort, startBotProcess } from '../helpers/process';
import { postSigned, slashCommandBody } from '../helpers/slack-requests';

const SECRET = 'reload-secret';
const ADMIN = 'U0ADMIN';

/** A small data set whose one fact says `fact`; `source` is the source the fact cites. */
function dataset(fact: string, source = 's1', id = 'test-incident'): string {
  return JSON.stringify(
    {
      id,
      incident: {
        title: `Incident ${id}`,
        summary: 'A test.',
        sources: [
          { id: 's1', title: 'Source one', publisher: 'Test', date: '2024-01-01', url: 'https://example.com/s1' },
        ],
        facts: [{ topic: 'outage', text: fact, source }],
      },
      event: {
        name: 'Test event',
        date: '2024-02-01',
        timezone: 'UTC',
        location: 'Online',
        hosts: ['Test'],
        source: 's1',
      },
      admins: [ADMIN],
    },
    null,
    2,
  );
}

/**
 * A data set file edited while two replicas run on one PostgreSQL database: each picks up a good edit within its
 * interval (SUMMIT_RELOAD_SECONDS), keeps the last good version of a broken one (said in /summit incidents, with
 * field and line, and once by DM to the incident's admin, whichever replica sees it first), adds a file that
 * appears, and loses nothing recorded in Slack meanwhile.
 */
describePostgres('data set files edited while the bot runs', () => {
  test('two replicas pick up a good edit, keep the last good version of a broken one, and DM the admin once', async () => {
    const { url, drop } = await freshSchema();
    const dir = mkdtempSync(path.join(tmpdir(), 'summit-reload-'));
    const folder = path.join(dir, 'incidents');
    mkdirSync(folder);
    const file = path.join(folder, 'test.yaml');
    writeFileSync(file, dataset('The first wording.'));
    const fake = new FakeSlack();
    const apiUrl = await fake.start();
    const ports = [await freePort(), await freePort()];
    const start = (port: number) =>
      startBotProcess(
        cleanEnv({
          SLACK_BOT_TOKEN: 'xoxb-reload',
          SLACK_SIGNING_SECRET: SECRET,
          SLACK_API_URL: apiUrl,
          PORT: String(port),
          HOST: '127.0.0.1',
          SUMMIT_CONFIG: folder,
          DATABASE_URL: url,
          SUMMIT_RELOAD_SECONDS: '1',
          LOG_LEVEL: 'info',
        }),
        /summit-bot is running/,
      );
    // One after the other: the first makes the schema.
    const first = start(ports[0] as number);
    await first.ready;
    const second = start(ports[1] as number);
    await second.ready;
    const replicas = [first, second];
    const ask = async (port: number, text: string, user = ADMIN) => {
      const res = await postSigned(
        `http://127.0.0.1:${port}/slack/events`,
        slashCommandBody(text, { user_id: user, response_url: `${apiUrl}/hook` }),
        { secret: SECRET },
      );
      return res.text();
    };
    const onBoth = async (text: string, check: (reply: string) => boolean, what: string) => {
      const until = Date.now() + 15_000;
      for (;;) {
        const replies = await Promise.all(ports.map((p) => ask(p, text)));
        if (replies.every(check)) return replies;
        if (Date.now() > until) throw new Error(`not on both replicas within 15 s: ${what}\n${replies.join('\n')}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    try {
      expect(await ask(ports[0] as number, 'ask Was anything else affected?')).toContain('Q1');
      await onBoth('facts', (r) => r.includes('The first wording.'), 'the first wording');

      writeFileSync(file, dataset('The second wording.'));
      const started = Date.now();
      await onBoth('facts', (r) => r.includes('The second wording.') && !r.includes('The first wording.'), 'the edit');
      // Within one interval and a request or two (the target is 30 seconds).
      expect(Date.now() - started).toBeLessThan(10_000);

      writeFileSync(file, dataset('A broken wording.', 'no-such-source'));
      const [incidents] = await onBoth(
        'incidents',
        (r) => r.includes('fails the checks'),
        'the findings in /summit incidents',
      );
      expect(incidents).toContain('incident.facts[0].source (line 19)');
      expect(incidents).toContain('unknown source');
      expect(incidents).toContain('its last good version of test-incident stays in use');
      await onBoth('facts', (r) => r.includes('The second wording.'), 'the last good version');
      // The admin is told once, by one of the replicas.
      const dms = () => fake.callsTo('chat.postMessage').filter((c) => c.body.channel === ADMIN);
      const until = Date.now() + 10_000;
      while (dms().length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      await new Promise((r) => setTimeout(r, 2500));
      expect(dms()).toHaveLength(1);
      expect(JSON.stringify(dms()[0]?.body)).toContain('unknown source');

      // Fixed, and a second file appears.
      writeFileSync(file, dataset('The third wording.'));
      writeFileSync(path.join(folder, 'other.yaml'), dataset('Another incident.', 's1', 'other-incident'));
      await onBoth(
        'incidents',
        (r) => r.includes('other-incident') && !r.includes('fails the checks'),
        'the second incident, and no findings',
      );
      await onBoth('test-incident facts', (r) => r.includes('The third wording.'), 'the fix');
      // What was recorded in Slack before the edits is still there.
      await onBoth('test-incident questions', (r) => r.includes('Was anything else affected?'), 'the question');
    } finally {
      for (const r of replicas) r.child.kill('SIGKILL');
      await fake.stop();
      await drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
