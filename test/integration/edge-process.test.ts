import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeSlack } from '../helpers/fake-slack';
import { minimalDataset } from '../helpers/incident';
import { cleanEnv, freePort, runBot, START_FLAGS, startBotProcess } from '../helpers/process';
import { postSigned, slashCommandBody } from '../helpers/slack-requests';
import { ADMIN, testStore } from '../helpers/store';

const BOT_TOKEN = 'xoxb-11-22-edgeprocesstoken';
const SECRET = 'edge-signing-secret-0123456789abcdef';
const PASSWORD = 'Sup3rSecretPw';

/** Every secret in every printed form must be absent; the token's shape is enough to catch it. */
function expectNoSecret(output: string): void {
  expect(output).not.toContain('edgeprocesstoken');
  expect(output).not.toContain(SECRET);
  expect(output).not.toContain(PASSWORD);
}

function rawPost(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}

describe('the edge, as a process', () => {
  test('an unsigned 4 MB form of "b+" does not take down a bot on the 128 MB heap of npm start', async () => {
    const fake = new FakeSlack();
    const port = await freePort();
    const bot = startBotProcess(
      cleanEnv({
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: await fake.start(),
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      }),
      /summit-bot is running/,
      START_FLAGS,
    );
    try {
      await bot.ready;
      const hostile = `a=${'b+'.repeat(2_000_000)}`;
      const statuses = await Promise.all(
        Array.from({ length: 3 }, () =>
          rawPost(
            `http://127.0.0.1:${port}/slack/events`,
            { 'content-type': 'application/x-www-form-urlencoded' },
            hostile,
          ),
        ),
      );
      for (const s of statuses) expect([401, 413, -1]).toContain(s);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const res = await postSigned(`http://127.0.0.1:${port}/slack/events`, slashCommandBody('status'), {
        secret: SECRET,
      });
      expect(res.status).toBe(200);
      expect(bot.child.exitCode).toBeNull();
    } finally {
      bot.child.kill('SIGKILL');
      await fake.stop();
    }
  });

  test('auth.test that never answers: exit 1 with a sentence, within its deadline', async () => {
    const fake = new FakeSlack().fault('auth.test', { kind: 'hang' });
    const url = await fake.start();
    try {
      const started = Date.now();
      const r = await runBot([], {
        env: cleanEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: url }),
        timeoutMs: 20_000,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /Could not reach the Slack Web API at .* \((no answer within 8 s|.*timeout)\)\. Check the network and SLACK_API_URL\./,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await fake.stop();
    }
  }, 30_000);

  test('SIGTERM while a reminder post hangs: stops within SHUTDOWN_GRACE_SECONDS, says what it abandoned, exit 0', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'summit-grace-'));
    const dataset = path.join(dir, 'event.yaml');
    const start = '2030-01-01T10:00:00Z';
    writeFileSync(dataset, minimalDataset({ start }, { reminders: { countdown: { offsets: ['1h'] }, catchUp: '6h' } }));
    const db = path.join(dir, 'summit.db');
    const store = await testStore(db, 'test-incident');
    await store.reminders.subscribe({ kind: 'channel', id: 'C0GRACE' }, ADMIN, new Date('2029-12-01T00:00:00Z'));
    await store.close();
    const fake = new FakeSlack().fault('chat.postMessage', { kind: 'hang' });
    const bot = startBotProcess(
      cleanEnv({
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: await fake.start(),
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        SUMMIT_CONFIG: dataset,
        DATABASE_URL: `sqlite:${db}`,
        SUMMIT_NOW: '2030-01-01T09:00:30Z',
        SHUTDOWN_GRACE_SECONDS: '2',
        LOG_LEVEL: 'info',
      }),
      /summit-bot is running/,
    );
    try {
      await bot.ready;
      for (let i = 0; i < 100 && fake.callsTo('chat.postMessage').length === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
      const stopping = Date.now();
      bot.child.kill('SIGTERM');
      const { code } = await bot.exited;
      expect(code).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(4000);
      expect(bot.output()).toContain('work still in flight after the grace period was abandoned');
    } finally {
      bot.child.kill('SIGKILL');
      await fake.stop();
    }
  });

  describe('secrets never leave', () => {
    test('a running bot: Web API errors whose bodies echo the token and the signing secret are logged scrubbed', async () => {
      const echo = {
        ok: false,
        error: 'fatal_error',
        echo: `${BOT_TOKEN} ${SECRET}`,
        nested: { deeper: [{ token: BOT_TOKEN, secret: SECRET }] },
      };
      const fake = new FakeSlack()
        .on('users.info', () => echo)
        .on('views.publish', () => echo)
        .on('chat.postEphemeral', () => echo);
      const port = await freePort();
      const bot = startBotProcess(
        cleanEnv({
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_SIGNING_SECRET: SECRET,
          SLACK_API_URL: await fake.start(),
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'debug',
        }),
        /summit-bot is running/,
      );
      try {
        await bot.ready;
        const events = `http://127.0.0.1:${port}/slack/events`;
        await postSigned(events, slashCommandBody('answer Q3 anything'), { secret: SECRET });
        await postSigned(events, slashCommandBody('ask Is it over?'), { secret: SECRET });
        for (let i = 0; i < 100 && fake.callsTo('views.publish').length === 0; i++)
          await new Promise((r) => setTimeout(r, 50));
        await new Promise((r) => setTimeout(r, 300));
        bot.child.kill('SIGTERM');
        await bot.exited;
        expect(bot.output()).toContain('fatal_error');
        expectNoSecret(bot.output());
      } finally {
        bot.child.kill('SIGKILL');
        await fake.stop();
      }
    });

    test('start-up errors: a secret pasted into PORT, auth.test echoing it, PostgreSQL with a password', async () => {
      const port = await runBot([], {
        env: cleanEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SECRET, PORT: SECRET }),
      });
      expect(port.code).toBe(2);
      expect(port.stderr).toMatch(/PORT: must be a whole number/);
      expectNoSecret(port.stdout + port.stderr);

      const fake = new FakeSlack().on('auth.test', () => ({
        ok: false,
        error: 'invalid_auth',
        echo: `${BOT_TOKEN} ${SECRET}`,
      }));
      const url = await fake.start();
      try {
        const auth = await runBot([], {
          env: cleanEnv({
            SLACK_BOT_TOKEN: BOT_TOKEN,
            SLACK_SIGNING_SECRET: SECRET,
            SLACK_API_URL: url,
            LOG_LEVEL: 'debug',
          }),
        });
        expect(auth.code).toBe(1);
        expectNoSecret(auth.stdout + auth.stderr);
      } finally {
        await fake.stop();
      }

      const pg = await runBot([], {
        env: cleanEnv({
          DATABASE_URL: `postgres://summit:${PASSWORD}@127.0.0.1:1/summit`,
          DATABASE_CONNECT_SECONDS: '1',
          LOG_LEVEL: 'debug',
        }),
      });
      expect(pg.code).toBe(2);
      expect(pg.stderr).toMatch(
        /Cannot connect to the PostgreSQL store at postgres:\/\/summit:\*\*\*@127\.0\.0\.1:1\/summit/,
      );
      expectNoSecret(pg.stdout + pg.stderr);
    });
  });

  describe('start-up errors are sentences', () => {
    test('a port already in use: exit 2 naming PORT and the port', async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const taken = (server.address() as AddressInfo).port;
      const fake = new FakeSlack();
      try {
        const r = await runBot([], {
          env: cleanEnv({
            SLACK_BOT_TOKEN: BOT_TOKEN,
            SLACK_SIGNING_SECRET: SECRET,
            SLACK_API_URL: await fake.start(),
            PORT: String(taken),
            HOST: '127.0.0.1',
          }),
        });
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(
          `Cannot listen on 127.0.0.1, port ${taken}: the port is already in use by another program. Set PORT to a free port`,
        );
        expect(r.stderr).not.toMatch(/\n\s+at /);
      } finally {
        server.close();
        await fake.stop();
      }
    });

    test('an explicit SQLite path in a folder that does not exist: exit 2 naming it, nothing created', async () => {
      const r = await runBot([], { env: cleanEnv({ DATABASE_URL: 'sqlite:/no/such/dir/x.db' }) });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('The folder of the SQLite store /no/such/dir/x.db (/no/such/dir) does not exist');
    });

    test('all three Slack variables: one log line says Socket Mode was chosen and why', async () => {
      const fake = new FakeSlack().on('auth.test', () => ({ ok: false, error: 'invalid_auth' }));
      try {
        const r = await runBot([], {
          env: cleanEnv({
            SLACK_BOT_TOKEN: BOT_TOKEN,
            SLACK_SIGNING_SECRET: SECRET,
            SLACK_APP_TOKEN: 'xapp-1-A1-1-edge',
            SLACK_API_URL: await fake.start(),
            LOG_LEVEL: 'info',
          }),
        });
        expect(r.stdout).toContain(
          'Socket Mode was chosen because SLACK_APP_TOKEN is set; SLACK_SIGNING_SECRET is not used in Socket Mode',
        );
      } finally {
        await fake.stop();
      }
    });
  });
});
