import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeSlack, httpReply } from '../helpers/fake-slack';
import { minimalDataset } from '../helpers/incident';
import { describePostgres, freshSchema, postgresStore } from '../helpers/postgres';
import { cleanEnv, freePort, startBotProcess } from '../helpers/process';
import { ADMIN } from '../helpers/store';

const CHANNELS = 200;
const START = '2030-01-01T10:00:00Z';
const DUE = new Date('2030-01-01T09:00:00Z');
const KEY = 'countdown:1h';

/** The second incident in the replicas' folder: 100 of the channels are subscribed to it as well. */
const SECOND = 'second-incident';
const SECOND_CHANNELS = 100;

/**
 * Three bot processes on one PostgreSQL database and one fake Slack Web API, following two incidents from one
 * folder: 200 channels subscribed to the first, 100 of them to the second too, one reminder of each due at the
 * same moment. Every replica's scheduler races for them; each channel must get each of its incidents' reminders
 * exactly once, and never the other incident's.
 */
describePostgres('several replicas on PostgreSQL', () => {
  async function setup(channels = CHANNELS) {
    const { url, drop } = await freshSchema();
    const store = await postgresStore(url, 'test-incident');
    const second = store.scoped(SECOND);
    for (let i = 0; i < channels; i++) {
      const channel = { kind: 'channel' as const, id: `C${String(i).padStart(4, '0')}` };
      await store.reminders.subscribe(channel, ADMIN, new Date('2029-12-01T00:00:00Z'));
      if (i < SECOND_CHANNELS) await second.reminders.subscribe(channel, ADMIN, new Date('2029-12-01T00:00:00Z'));
    }
    await store.close();
    const dir = mkdtempSync(path.join(tmpdir(), 'summit-replicas-'));
    const dataset = path.join(dir, 'incidents');
    mkdirSync(dataset);
    const reminders = { reminders: { countdown: { offsets: ['1h'] }, catchUp: '6h' } };
    writeFileSync(path.join(dataset, 'a.yaml'), minimalDataset({ start: START }, reminders));
    writeFileSync(path.join(dataset, 'b.yaml'), minimalDataset({ start: START }, { ...reminders, id: SECOND }));
    const fake = new FakeSlack();
    const apiUrl = await fake.start();
    // Each clock starts five seconds before the reminder is due, so the first ticks find nothing and a later one
    // (every 15 seconds) finds it on every replica at about the same time.
    const clockStart = new Date(DUE.getTime() - 5000).toISOString();
    const ports = [await freePort(), await freePort(), await freePort()];
    // One token each, so the fake can tell which replica sent a call (Slack would see one app's token).
    const replicas = ports.map((port, i) =>
      startBotProcess(
        cleanEnv({
          SLACK_BOT_TOKEN: `xoxb-replica-${i}`,
          SLACK_SIGNING_SECRET: 'replica-secret',
          SLACK_API_URL: apiUrl,
          PORT: String(port),
          HOST: '127.0.0.1',
          SUMMIT_CONFIG: dataset,
          DATABASE_URL: url,
          SUMMIT_NOW: clockStart,
          SUMMIT_NOW_STORE: 'store',
          LOG_LEVEL: 'info',
        }),
        /summit-bot is running/,
      ),
    );
    await Promise.all(replicas.map((r) => r.ready));
    /** Posts of the reminder per channel, for one incident (its id is in every post's metadata). */
    const postsByChannel = (incident = 'test-incident') => {
      const counts = new Map<string, number>();
      for (const c of fake.callsTo('chat.postMessage')) {
        const meta = c.body.metadata as { event_payload?: { key?: string; incident?: string } } | undefined;
        if (meta?.event_payload?.key === KEY && meta.event_payload.incident === incident)
          counts.set(String(c.body.channel), (counts.get(String(c.body.channel)) ?? 0) + 1);
      }
      return counts;
    };
    const stop = async () => {
      for (const r of replicas) r.child.kill('SIGKILL');
      await fake.stop();
      await drop();
    };
    /** Ticks each replica has finished, from its /metrics (undefined for one that no longer answers). */
    const ticks = async (): Promise<(number | undefined)[]> =>
      Promise.all(
        ports.map(async (port) => {
          try {
            const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
            return [...text.matchAll(/^summit_scheduler_ticks_total\{[^}]*\} (\d+)/gm)].reduce(
              (n, m) => n + Number(m[1]),
              0,
            );
          } catch {
            return undefined;
          }
        }),
      );
    /**
     * Waits until every replica still running has finished a whole tick that started after this call: any
     * duplicate those ticks would post has been posted by then. The event itself, with a deadline, not a sleep.
     */
    const nextTicksDone = async (): Promise<void> => {
      const before = await ticks();
      const until = Date.now() + 40_000;
      for (;;) {
        const now = await ticks();
        // Two more finished ticks: the one in progress when we asked may have started before it.
        if (now.every((n, i) => n === undefined || before[i] === undefined || n >= (before[i] as number) + 2)) return;
        if (Date.now() > until) throw new Error(`replicas did not tick: ${JSON.stringify({ before, now })}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    return { url, fake, replicas, postsByChannel, stop, nextTicksDone };
  }

  async function waitFor(check: () => boolean, ms: number, what: string, every = 250): Promise<void> {
    const until = Date.now() + ms;
    while (!check()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, every));
    }
  }

  test('exactly 200 messages of the first incident and 100 of the second, none twice, none to the wrong channel', async () => {
    const env = await setup();
    try {
      await waitFor(
        () => env.postsByChannel().size === CHANNELS && env.postsByChannel(SECOND).size === SECOND_CHANNELS,
        60_000,
        '200 and 100 channels',
      );
      // Let every replica's next tick pass too: nothing more may arrive.
      await env.nextTicksDone();
      const counts = env.postsByChannel();
      expect(counts.size).toBe(CHANNELS);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      const second = env.postsByChannel(SECOND);
      expect([...second.keys()].sort()).toEqual(
        Array.from({ length: SECOND_CHANNELS }, (_, i) => `C${String(i).padStart(4, '0')}`),
      );
      expect([...second.values()].every((n) => n === 1)).toBe(true);
      expect(env.fake.callsTo('chat.postMessage')).toHaveLength(CHANNELS + SECOND_CHANNELS);
      const store = await postgresStore(env.url, 'test-incident');
      const rows = await store.reminders.deliveries();
      const secondRows = await store.scoped(SECOND).reminders.deliveries();
      await store.close();
      expect(rows.filter((d) => d.status === 'sent')).toHaveLength(CHANNELS);
      expect(secondRows.filter((d) => d.status === 'sent')).toHaveLength(SECOND_CHANNELS);
    } finally {
      await env.stop();
    }
  }, 120_000);

  test('one replica killed (SIGKILL) in the middle of the fan-out to 1,000 channels: each once, history asked only about posts in flight', async () => {
    const CHANNELS = 1000;
    const env = await setup(CHANNELS);
    try {
      env.fake.delayMs = 150;
      // Slack's Tier 3 for conversations.history: past 50 calls a minute, 429 with Retry-After
      // (https://docs.slack.dev/apis/web-api/rate-limits; ../shared/reference/slack-platform.md).
      const historyAt: number[] = [];
      env.fake.on('conversations.history', (c) => {
        const now = Date.now();
        historyAt.push(now);
        if (historyAt.filter((t) => t > now - 60_000).length > 50)
          return httpReply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '5' });
        return {
          ok: true,
          messages: [...(env.fake.messages.get(String(c.body.channel)) ?? [])].reverse(),
          has_more: false,
        };
      });
      // The replica that posts first is killed as soon as that post arrives: Slack answers 150 ms later, so it dies
      // holding claims whose posts it never saw answered.
      const posts = () => env.fake.callsTo('chat.postMessage');
      await waitFor(() => posts().length > 0, 60_000, 'the fan-out to start', 5);
      const victim = Number(/xoxb-replica-(\d)/.exec(posts()[0]?.authorization ?? '')?.[1]);
      env.replicas[victim]?.child.kill('SIGKILL');
      expect(env.replicas[victim]).toBeDefined();
      // The dead replica's claims stay until their one-minute lease runs out; then the others take them over,
      // look in each channel's history, and post only where nothing arrived.
      const store = await postgresStore(env.url, 'test-incident');
      try {
        let rows = await store.reminders.deliveries();
        const until = Date.now() + 150_000;
        while (rows.filter((d) => d.status === 'sent').length < CHANNELS && Date.now() < until) {
          await new Promise((r) => setTimeout(r, 1000));
          rows = await store.reminders.deliveries();
        }
        expect(rows.filter((d) => d.status === 'sent')).toHaveLength(CHANNELS);
        // The dead replica's claims may be of either incident; the second one's may still be waiting for the lease.
        const until2 = Date.now() + 150_000;
        let takenOver = 0;
        while (Date.now() < until2) {
          const both = [...rows, ...(await store.scoped(SECOND).reminders.deliveries())];
          takenOver = both.filter((d) => d.attempts > 1).length;
          if (takenOver > 0) break;
          await new Promise((r) => setTimeout(r, 1000));
          rows = await store.reminders.deliveries();
        }
        expect(takenOver).toBeGreaterThan(0);
      } finally {
        await store.close();
      }
      await env.nextTicksDone();
      const counts = env.postsByChannel();
      expect(counts.size).toBe(CHANNELS);
      expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      await waitFor(() => env.postsByChannel(SECOND).size === SECOND_CHANNELS, 150_000, 'the second incident');
      await env.nextTicksDone();
      expect([...env.postsByChannel(SECOND).entries()].filter(([, n]) => n !== 1)).toEqual([]);
      expect(env.postsByChannel(SECOND).size).toBe(SECOND_CHANNELS);
      // History was asked only about the posts in flight when the replica died (each of its two incidents' eight
      // workers had begun at most one), not about every claim it held; and never past Slack's limit.
      const asked = new Set(env.fake.callsTo('conversations.history').map((c) => String(c.body.channel)));
      expect(asked.size).toBeLessThanOrEqual(16);
      expect(historyAt.length).toBeLessThanOrEqual(50);
    } finally {
      await env.stop();
    }
  }, 260_000);
});
