import { CuttableProxy } from '../helpers/proxy';
import { cleanEnv, freePort, runBot } from '../helpers/process';
import { ManualClock } from '../../src/lib/clock';
import { startTestBot, SIGNING_SECRET, type TestBot } from '../helpers/bot';
import { defaultIncident } from '../helpers/incident';
import { describePostgres, freshSchema, postgresStore, TEST_DATABASE_URL } from '../helpers/postgres';
import { ACTIONS } from '../../src/views/ids';
import { buttonPress, interactionBody, postSigned, slashCommandBody } from '../helpers/slack-requests';
import { ADMIN, testStore } from '../helpers/store';
import { FollowUpStore } from '../../src/store/repository';
import { ACK_DEADLINE_MS } from '../../src/slack/listeners/commands';
import { eventually } from '../helpers/wait';

interface Ack {
  text: string;
  blocks: unknown[];
}

describe('a store that stops answering (SQLite closed under the bot)', () => {
  test('commands answer from the data set and say so; recording commands change nothing; /healthz is 503', async () => {
    const store = await testStore();
    const bot: TestBot = await startTestBot(defaultIncident(), new ManualClock('2024-09-03T16:00:00Z'), { store });
    try {
      await store.close();
      const status = await postSigned(bot.events, slashCommandBody('status'), { secret: SIGNING_SECRET });
      const body = (await status.json()) as Ack;
      expect(body.text).toContain('in 7 days');
      // Said first, in the blocks and in the fallback text alike.
      expect(body.text).toMatch(
        /^Recorded answers and updates are unavailable right now: this shows the data set alone/,
      );
      expect(JSON.stringify(body.blocks[0])).toContain('Recorded answers and updates are unavailable right now');
      const answer = (await (
        await postSigned(bot.events, slashCommandBody('ask Why?'), { secret: SIGNING_SECRET })
      ).json()) as Ack;
      expect(answer.text).toBe(
        'State is unavailable right now, so nothing was recorded or read. Please try again in a moment.',
      );
      const health = await fetch(`${bot.base}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'degraded', store: 'unreachable' });
      expect(await (await fetch(`${bot.base}/metrics`)).text()).toMatch(/summit_store_errors_total \d+/);
    } finally {
      await bot.running.stop();
      await bot.fake.stop();
    }
  });
});

describe('a committed change whose reply cannot be posted at first', () => {
  test('a slow ask whose first response_url post fails: its reply is posted again, never "nothing was changed"', async () => {
    const store = await testStore();
    const bot: TestBot = await startTestBot(defaultIncident(), new ManualClock('2024-09-03T16:00:00Z'), { store });
    // The write takes longer than the ack's deadline, so the reply goes by response_url; its first post is lost
    // (Slack answers 503).
    const original = FollowUpStore.prototype.addQuestion;
    const slow = jest.spyOn(FollowUpStore.prototype, 'addQuestion').mockImplementation(async function (
      this: FollowUpStore,
      ...args: Parameters<FollowUpStore['addQuestion']>
    ) {
      await new Promise((r) => setTimeout(r, ACK_DEADLINE_MS + 300));
      return original.apply(this, args);
    });
    let posts = 0;
    bot.fake.fault('response_url', { kind: 'unavailable' }, () => (posts += 1) === 1);
    try {
      const res = await postSigned(
        bot.events,
        slashCommandBody('ask Was the rollout staged?', { response_url: bot.fake.hookUrl() }),
        { secret: SIGNING_SECRET },
      );
      expect(res.status).toBe(200);
      // The lost post, then the same reply again.
      const calls = await eventually(() => {
        const all = bot.fake.callsTo('response_url');
        return all.length >= 2 ? all : undefined;
      });
      expect(calls.map((c) => String(c.body.text).includes('Was the rollout staged?'))).toEqual([true, true]);
      for (const c of bot.fake.callsTo('response_url'))
        expect(String(c.body.text)).not.toContain('nothing was changed');
      expect((await store.state()).questions.map((q) => q.text)).toEqual(['Was the rollout staged?']);
    } finally {
      slow.mockRestore();
      await bot.stop();
    }
  });
});

describePostgres('PostgreSQL cut off under a running bot, then back', () => {
  test('the bot keeps answering, recovers by itself, and loses nothing recorded', async () => {
    const { url, drop } = await freshSchema();
    const target = new URL(TEST_DATABASE_URL as string);
    const proxy = new CuttableProxy(target.hostname, Number(target.port || 5432));
    await proxy.open();
    const viaProxy = new URL(url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const store = await postgresStore(viaProxy.toString());
    const bot = await startTestBot(defaultIncident(), new ManualClock('2025-01-15T17:00:00Z'), { store });
    bot.fake.on('users.info', (c) => ({ ok: true, user: { id: c.body.user, is_admin: c.body.user === ADMIN.id } }));
    const command = async (text: string) =>
      (await (
        await postSigned(bot.events, slashCommandBody(text, { user_id: ADMIN.id, user_name: ADMIN.name }), {
          secret: SIGNING_SECRET,
        })
      ).json()) as Ack;
    try {
      expect((await command('answer Q3 Recorded before the outage')).text).toBe('Q3 marked answered.');
      await proxy.cut();
      // Once the bot has seen the cut (its health check's ping fails; the version watch's connection ended with it).
      // Until then what it holds is what the watch last said was current: the state just written is in memory, so a
      // read needs no query and is answered in full.
      expect((await fetch(`${bot.base}/healthz`)).status).toBe(503);
      const during = await command('questions all');
      expect(JSON.stringify(during.blocks)).toContain('unavailable right now');
      expect((await command('answer Q4 during the outage')).text).toMatch(/^State is unavailable right now/);
      await proxy.open(proxy.port);
      let recovered = false;
      for (let i = 0; i < 50 && !recovered; i++) {
        recovered = (await fetch(`${bot.base}/healthz`)).status === 200;
        if (!recovered) await new Promise((r) => setTimeout(r, 200));
      }
      expect(recovered).toBe(true);
      const after = await command('history Q3');
      expect(after.text).toBe('Q3: answered. 2 changes.');
      expect((await store.state()).changes.map((c) => c.answer)).toEqual(['Recorded before the outage']);
    } finally {
      await bot.stop();
      await proxy.cut();
      await drop();
    }
  });
});

describe('buttons while the store is down', () => {
  test('"Snooze 1 day" says state is unavailable instead of failing silently', async () => {
    const store = await testStore();
    const bot: TestBot = await startTestBot(defaultIncident(), new ManualClock('2024-09-03T16:00:00Z'), { store });
    try {
      await store.close();
      const res = await postSigned(
        bot.events,
        interactionBody(
          buttonPress({
            actionId: ACTIONS.snooze,
            value: 'countdown',
            userId: 'U0X',
            channelId: 'C0X',
            responseUrl: bot.fake.hookUrl('s'),
          }),
        ),
        { secret: SIGNING_SECRET },
      );
      expect(res.status).toBe(200);
      for (let i = 0; i < 50 && bot.fake.callsTo('response_url').length === 0; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(String(bot.fake.callsTo('response_url')[0]?.body.text)).toMatch(/^State is unavailable right now/);
    } finally {
      await bot.running.stop();
      await bot.fake.stop();
    }
  });
});

describePostgres('starting while PostgreSQL is down', () => {
  test('the bot retries with backoff, saying so, and starts (migrations and all) once the database answers', async () => {
    const { url, drop } = await freshSchema();
    const target = new URL(TEST_DATABASE_URL as string);
    const proxy = new CuttableProxy(target.hostname, Number(target.port || 5432));
    const port = await freePort();
    const viaProxy = new URL(url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(port);
    try {
      const run = runBot([], {
        env: cleanEnv({
          DATABASE_URL: viaProxy.toString(),
          DATABASE_CONNECT_SECONDS: '30',
          SUMMIT_NOW: '2024-09-03',
          SUMMIT_NOW_STORE: 'store',
        }),
        input: 'status\n',
        timeoutMs: 40_000,
      });
      await new Promise((r) => setTimeout(r, 2500));
      await proxy.open(port);
      const r = await run;
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('in 7 days');
      expect(r.stderr).toMatch(/does not answer yet; retrying/);
      const store = await postgresStore(url);
      expect(await store.ping()).toBe(true);
      expect(await store.auditLog()).toEqual([]);
      await store.close();
    } finally {
      await proxy.cut();
      await drop();
    }
  }, 60_000);

  test('a database that never answers: exit 2 with the usual sentence once DATABASE_CONNECT_SECONDS has passed', async () => {
    const port = await freePort();
    const started = Date.now();
    const r = await runBot([], {
      env: cleanEnv({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test`, DATABASE_CONNECT_SECONDS: '2' }),
      timeoutMs: 20_000,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /Cannot connect to the PostgreSQL store at postgres:\/\/postgres@127\.0\.0\.1:\d+\/test: .*Check DATABASE_URL and that the server is running\./,
    );
    expect(r.stderr.match(/does not answer yet; retrying/g)?.length).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
