import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pino from 'pino';
import { parseIncident } from '../src/incident/load';
import { questionsAsOf } from '../src/core/questions';
import { clockStartingAt, ManualClock } from '../src/lib/clock';
import { ReminderDelivery } from '../src/scheduler/delivery';
import { SlackPoster } from '../src/scheduler/slack-poster';
import { openStore } from '../src/store/open';
import { FakeSlack, httpReply } from '../test/helpers/fake-slack';
import { feedMemory } from './feed';
import {
  ADMINS,
  CHANNELS,
  channelId,
  cpuPerRequest,
  mixedLoad,
  replyCounts,
  runOf,
  signedForm,
  userId,
  type MixedRun,
} from './mixed';
import { parseDocument } from 'yaml';
import { Client as PgClient } from 'pg';
import { githubScale } from './github';
import { freePort } from '../test/helpers/process';
import {
  crowdstrikeChannels,
  scaleFolder,
  scaleTicks,
  seedFollows,
  SCALE_CHANNELS,
  SCALE_INCIDENTS,
} from './incidents';

/**
 * npm run bench: command latency beside the bare-Bolt floor, reminder fan-out beside the rate-limit floor, the
 * scheduler tick, and the footprint. Everything on 127.0.0.1. Prints one table and writes bench/results.json.
 */

const ROOT = path.join(__dirname, '..', '..');
const SECRET = 'bench-signing-secret';
const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = 3;
const VERBS = ['status', 'questions', 'facts'];
const silent = pino({ level: 'silent' });

interface Row {
  figure: string;
  value: string;
  floor?: string;
  ratio?: string;
  target: string;
  ok: boolean;
}

const rows: Row[] = [];
const results: Record<string, unknown> = {
  machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
  at: new Date().toISOString(),
};

function signedBody(text: string, user = 'U0BENCH'): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams({
    token: 'x',
    team_id: 'T0BENCH',
    team_domain: 'bench',
    channel_id: 'C0BENCH',
    channel_name: 'bench',
    user_id: user,
    user_name: 'bench',
    command: '/summit',
    text,
    api_app_id: 'A0BENCH',
    response_url: 'http://127.0.0.1:9/hooks/x',
    trigger_id: '1.2.3',
  }).toString();
  return signedForm(body, SECRET);
}

function start(cmd: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cmd, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const on = (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) resolve(child);
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

async function waitHealthy(url: string): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The arguments `npm start` gives node: "node --flag dist/main.js" -> ["--flag", "dist/main.js"]. */
function startArgs(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [node, ...args] = pkg.scripts.start.trim().split(/\s+/);
  if (node !== 'node') throw new Error(`unexpected start script: ${pkg.scripts.start}`);
  return args;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function load(url: string, text: string) {
  const { body, headers } = signedBody(text);
  return runOf(await autocannon({ url, method: 'POST', body, headers, connections: CONNECTIONS, duration: SECONDS }));
}

async function commands(): Promise<void> {
  // Started exactly as `npm start` starts it (its Node flags included).
  const { bot, startMs, stop, events: botUrl } = await startBot();
  const floorPort = await freePort();
  rows.push({
    figure: 'start to healthy /healthz',
    value: `${startMs.toFixed(0)} ms`,
    target: '<= 1500 ms',
    ok: startMs <= 1500,
  });
  results.startToHealthyMs = startMs;

  const floor = await start(
    [path.join(ROOT, '.bench-build/bench/floor.js'), String(floorPort), SECRET],
    { PATH: process.env.PATH },
    /floor ready/,
  );
  const floorUrl = `http://127.0.0.1:${floorPort}/slack/events`;
  // Warm both up (JIT, the users.info cache).
  await load(botUrl, 'status');
  await load(floorUrl, 'status');

  const perVerb: Record<string, unknown> = {};
  let worstRatio = Infinity;
  let worstP99 = 0;
  for (const verb of VERBS) {
    const bots = [];
    const floors = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternated, so drift in the machine's load hits both alike.
      bots.push(await load(botUrl, verb));
      floors.push(await load(floorUrl, verb));
    }
    const avg = (xs: { rps: number }[]) => xs.reduce((a, x) => a + x.rps, 0) / xs.length;
    const b = {
      rps: avg(bots),
      p50: Math.max(...bots.map((x) => x.p50)),
      p99: Math.max(...bots.map((x) => x.p99)),
      errors: bots.reduce((a, x) => a + x.errors, 0),
    };
    const f = {
      rps: avg(floors),
      p50: Math.max(...floors.map((x) => x.p50)),
      p99: Math.max(...floors.map((x) => x.p99)),
      errors: floors.reduce((a, x) => a + x.errors, 0),
    };
    const ratio = b.rps / f.rps;
    worstRatio = Math.min(worstRatio, ratio);
    worstP99 = Math.max(worstP99, b.p99);
    perVerb[verb] = { bot: b, floor: f, ratio };
    rows.push({
      figure: `/summit ${verb}: req/s (p50 / p99 ms, errors)`,
      value: `${b.rps.toFixed(0)} (${b.p50} / ${b.p99}, ${b.errors})`,
      floor: `${f.rps.toFixed(0)} (${f.p50} / ${f.p99}, ${f.errors})`,
      ratio: ratio.toFixed(2),
      target: 'ratio >= 0.85, p99 <= 1.5x floor',
      ok: ratio >= 0.85 && b.p99 <= 1.5 * f.p99 && b.errors === 0,
    });
  }
  results.commands = { connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, perVerb, worstRatio, worstP99 };
  const rss = rssMb(bot.pid as number);
  rows.push({
    figure: 'resident memory after the command load',
    value: `${rss.toFixed(0)} MB`,
    target: '<= 150 MB',
    ok: rss <= 150,
  });
  results.rssMb = rss;
  floor.kill('SIGTERM');
  await stop();
}

/** Where the PostgreSQL run of the mix goes: a schema of its own on this server (the machine's local one). */
const BENCH_PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The mixed scenario (bench/mixed.ts) beside the floor, alternated: many users and channels, every read command,
 * one write in two hundred. Reported first: it is what a workspace sends. On SQLite, then on PostgreSQL when the
 * server answers (several replicas' store; target 0.8 there).
 */
async function mixed(): Promise<void> {
  await mixedOn('sqlite', 0.9);
  let schema: string | undefined;
  const admin = new PgClient({ connectionString: BENCH_PG_URL });
  try {
    await admin.connect();
    schema = `summit_bench_${process.pid}`;
    await admin.query(`create schema ${schema}`);
  } catch {
    process.stdout.write(`mixed on PostgreSQL skipped: no server at ${BENCH_PG_URL}\n`);
  }
  if (schema === undefined) return void (await admin.end().catch(() => undefined));
  try {
    const url = new URL(BENCH_PG_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    await mixedOn('postgres', 0.8, url.toString());
  } finally {
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
}

/**
 * The mix's data set: the CrowdStrike one, with the mix's first ADMINS users as its admins and no feed watched, and
 * `extraQuestions` more open questions in it (the growth runs).
 */
function mixDataset(dir: string, extraQuestions = 0, name = 'summit'): string {
  const doc = parseDocument(readFileSync(path.join(ROOT, 'config', 'incidents', 'crowdstrike-2024.yaml'), 'utf8'));
  doc.setIn(
    ['admins'],
    Array.from({ length: ADMINS }, (_, i) => userId(i)),
  );
  doc.setIn(['watch'], []);
  for (let q = 0; q < extraQuestions; q++)
    doc.addIn(['questions'], { id: `Q${5000 + q}`, text: `Growth question ${q}: is part ${q} of the review settled?` });
  const dataset = path.join(dir, `${name}.yaml`);
  writeFileSync(dataset, doc.toString());
  return dataset;
}

async function mixedOn(kind: 'sqlite' | 'postgres', target: number, pgUrl?: string): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'summit-bench-mixed-'));
  const dataset = mixDataset(dir);
  const databaseUrl = kind === 'postgres' ? (pgUrl as string) : `sqlite:${path.join(dir, 'summit.db')}`;
  // A quarter of the channels subscribed, as a workspace would have them.
  const seed = (
    await openStore(
      kind === 'postgres' ? { kind, url: databaseUrl } : { kind, path: path.join(dir, 'summit.db') },
      silent,
    )
  ).scoped('crowdstrike-2024');
  for (let c = 0; c < CHANNELS; c += 4)
    await seed.reminders.subscribe({ kind: 'channel', id: channelId(c) }, { id: userId(0), name: 'a' }, new Date());
  await seed.close();
  const { stop, events: botUrl, base, pid } = await startBot({ SUMMIT_CONFIG: dataset, DATABASE_URL: databaseUrl });
  const floorPort = await freePort();
  const floor = await start(
    [path.join(ROOT, '.bench-build/bench/floor.js'), String(floorPort), SECRET],
    { PATH: process.env.PATH },
    /floor ready/,
  );
  const floorUrl = `http://127.0.0.1:${floorPort}/slack/events`;
  await mixedLoad(botUrl, SECRET, 2, CONNECTIONS);
  await mixedLoad(floorUrl, SECRET, 2, CONNECTIONS);
  const before = await replyCounts(base);
  const bots: MixedRun[] = [];
  const floors: MixedRun[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bots.push(await mixedLoad(botUrl, SECRET, SECONDS, CONNECTIONS, undefined, pid));
    floors.push(await mixedLoad(floorUrl, SECRET, SECONDS, CONNECTIONS, undefined, floor.pid));
  }
  const after = await replyCounts(base);
  const sum = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
  const reusable = sum('receiver') + sum('listener') + sum('made');
  const reusedShare = reusable === 0 ? 0 : (sum('receiver') + sum('listener')) / reusable;
  const agg = (xs: MixedRun[]) => ({
    rps: xs.reduce((a, x) => a + x.rps, 0) / xs.length,
    p50: Math.max(...xs.map((x) => x.p50)),
    p99: Math.max(...xs.map((x) => x.p99)),
    errors: xs.reduce((a, x) => a + x.errors, 0),
    total: xs.reduce((a, x) => a + x.total, 0),
  });
  const b = agg(bots);
  const f = agg(floors);
  const ratio = b.rps / f.rps;
  rows.push({
    figure: `mixed on ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: req/s (p50 / p99 ms, errors)`,
    value: `${b.rps.toFixed(0)} (${b.p50} / ${b.p99}, ${b.errors})`,
    floor: `${f.rps.toFixed(0)} (${f.p50} / ${f.p99}, ${f.errors})`,
    ratio: ratio.toFixed(2),
    target: `ratio >= ${target}, p99 <= 1.5x floor`,
    ok: ratio >= target && b.p99 <= 1.5 * f.p99 && b.errors === 0,
  });
  const cpu = { bot: cpuPerRequest(bots), floor: cpuPerRequest(floors) };
  rows.push(cpuRow(`mixed on ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`, cpu));
  rows.push({
    figure: `mixed on ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: replies reused (before Bolt / listener / made)`,
    value: `${(reusedShare * 100).toFixed(0)} % (${sum('receiver')} / ${sum('listener')} / ${sum('made')})`,
    target: '(reported)',
    ok: true,
  });
  const byStore = (results.mixed ??= {}) as Record<string, unknown>;
  byStore[kind] = {
    bot: b,
    floor: f,
    ratio,
    reusedShare,
    cpuMsPerRequest: cpu,
    replies: { receiver: sum('receiver'), listener: sum('listener'), made: sum('made') },
  };
  floor.kill('SIGTERM');
  await stop();
}

/** A fake Slack that enforces about 1 message per second per channel and a workspace-wide budget. */
function rateLimitedSlack(perSecond: number, burst: number): FakeSlack {
  const fake = new FakeSlack();
  let tokens = burst;
  let last = Date.now();
  const lastByChannel = new Map<string, number>();
  fake.on('chat.postMessage', (c) => {
    const now = Date.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * perSecond);
    last = now;
    const channel = String(c.body.channel);
    const prev = lastByChannel.get(channel) ?? 0;
    if (now - prev < 1000)
      return httpReply(
        429,
        { ok: false, error: 'ratelimited' },
        { 'retry-after': String(Math.ceil((1000 - (now - prev)) / 1000)) },
      );
    if (tokens < 1)
      return httpReply(
        429,
        { ok: false, error: 'ratelimited' },
        { 'retry-after': String(Math.max(1, Math.ceil((1 - tokens) / perSecond))) },
      );
    tokens -= 1;
    lastByChannel.set(channel, now);
    return { ok: true, channel, ts: fake.addMessage(channel, c.body.text, c.body.metadata) };
  });
  return fake;
}

async function fanOut(): Promise<void> {
  const CHANNELS = 1000;
  const RATE = 100;
  const BURST = 100;
  const fake = rateLimitedSlack(RATE, BURST);
  const apiUrl = await fake.start();
  const store = (
    await openStore(
      { kind: 'sqlite', path: path.join(mkdtempSync(path.join(tmpdir(), 'summit-fan-')), 'summit.db') },
      silent,
    )
  ).scoped('bench');
  const incident = parseIncident(
    JSON.stringify({
      id: 'bench',
      incident: {
        title: 'Bench',
        summary: 'Bench',
        sources: [{ id: 's', title: 'S', publisher: 'P', date: '2030-01-01', url: 'https://example.com' }],
      },
      event: {
        name: 'Bench event',
        start: '2030-01-01T10:00:00Z',
        timezone: 'UTC',
        location: 'Here',
        hosts: ['Us'],
        source: 's',
      },
      questions: [{ id: 'Q1', text: 'Open?' }],
      reminders: { countdown: { offsets: ['1h'] }, catchUp: '6h' },
    }),
    'bench',
  );
  for (let i = 0; i < CHANNELS; i++)
    await store.reminders.subscribe(
      { kind: 'channel', id: `C${i}` },
      { id: 'U', name: 'u' },
      new Date('2029-12-01T00:00:00Z'),
    );
  await store.reminders.advanceWatermark(new Date('2030-01-01T08:59:50Z'));
  const clock = clockStartingAt(new Date('2030-01-01T09:00:01Z'));
  const delivery = new ReminderDelivery({
    incident,
    store,
    clock,
    poster: new SlackPoster('xoxb-bench', apiUrl, silent),
    log: silent,
  });
  const t0 = performance.now();
  let report = await delivery.tick();
  while (fake.messages.size < CHANNELS && performance.now() - t0 < 60_000) report = await delivery.tick();
  const seconds = (performance.now() - t0) / 1000;
  const counts = [...fake.messages.values()].map((m) => m.length);
  const duplicates = counts.filter((n) => n > 1).length;
  const losses = CHANNELS - fake.messages.size;
  const floor = (CHANNELS - BURST) / RATE;
  rows.push({
    figure: `fan-out to ${CHANNELS} channels: duplicates / losses`,
    value: `${duplicates} / ${losses}`,
    target: '0 / 0',
    ok: duplicates === 0 && losses === 0,
  });
  rows.push({
    figure: `fan-out time (${RATE}/s workspace budget, burst ${BURST})`,
    value: `${seconds.toFixed(2)} s`,
    floor: `${floor.toFixed(2)} s`,
    ratio: (seconds / floor).toFixed(2),
    target: 'ratio <= 1.2',
    ok: seconds / floor <= 1.2,
  });
  results.fanOut = {
    channels: CHANNELS,
    rate: RATE,
    burst: BURST,
    seconds,
    floorSeconds: floor,
    ratio: seconds / floor,
    duplicates,
    losses,
    lastReport: report,
    http429: fake.callsTo('chat.postMessage').length - CHANNELS,
  };
  await store.close();
  await fake.stop();
}

async function tick(): Promise<void> {
  const UPDATES = 2000;
  const NUDGES = 5;
  const SUBSCRIPTIONS = 1000;
  const expectedUpdates = Array.from({ length: UPDATES }, (_, i) => ({
    id: `u${i}`,
    text: `Update ${i}`,
    expected: new Date(Date.UTC(2031, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
    source: 's',
  }));
  const incident = parseIncident(
    JSON.stringify({
      id: 'bench',
      incident: {
        title: 'Bench',
        summary: 'Bench',
        sources: [{ id: 's', title: 'S', publisher: 'P', date: '2030-01-01', url: 'https://example.com' }],
      },
      event: {
        name: 'Bench event',
        date: '2030-06-01',
        timezone: 'America/Los_Angeles',
        location: 'Here',
        hosts: ['Us'],
        source: 's',
      },
      questions: [{ id: 'Q1', text: 'Open?' }],
      expectedUpdates,
      reminders: { updates: { every: '1d', max: NUDGES, time: '09:00' }, catchUp: '6h' },
    }),
    'bench',
  );
  const store = (
    await openStore(
      { kind: 'sqlite', path: path.join(mkdtempSync(path.join(tmpdir(), 'summit-tick-')), 'summit.db') },
      silent,
    )
  ).scoped('bench');
  for (let i = 0; i < SUBSCRIPTIONS; i++)
    await store.reminders.subscribe(
      { kind: 'channel', id: `C${i}` },
      { id: 'U', name: 'u' },
      new Date('2029-01-01T00:00:00Z'),
    );
  const fake = new FakeSlack();
  const apiUrl = await fake.start();
  const clock = new ManualClock('2030-03-01T00:00:00Z');
  const delivery = new ReminderDelivery({
    incident,
    store,
    clock,
    poster: new SlackPoster('xoxb-bench', apiUrl, silent),
    log: silent,
  });
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    clock.advance(15_000);
    const t0 = performance.now();
    await delivery.tick();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  rows.push({
    figure: `scheduler tick (${UPDATES * NUDGES} planned, ${SUBSCRIPTIONS} subscriptions): median / p99`,
    value: `${at(0.5).toFixed(2)} / ${at(0.99).toFixed(2)} ms`,
    target: 'p99 <= 20 ms',
    ok: at(0.99) <= 20,
  });
  results.tick = {
    planned: UPDATES * NUDGES,
    subscriptions: SUBSCRIPTIONS,
    ticks: times.length,
    medianMs: at(0.5),
    p99Ms: at(0.99),
  };
  await store.close();
  await fake.stop();
}

/** Starts the bot as `npm start` does, on a fresh SQLite file and a fake Slack; resolves once /healthz answers. */
async function startBot(extraEnv: Record<string, string> = {}) {
  const fake = new FakeSlack();
  const apiUrl = await fake.start();
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'summit-bench-'));
  const env = {
    PATH: process.env.PATH,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: apiUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${path.join(dir, 'summit.db')}`,
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const t0 = performance.now();
  // BENCH_CPU_PROF=<dir>: the bot writes a V8 CPU profile there when it stops (for BENCHMARKS.md's "where the
  // time went"; summarise one with `node bench/profile-summary.mjs <file>`).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const bot = spawn(process.execPath, [...prof, ...startArgs()], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  bot.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  // A bot that stops at start (a bad data set, a bad setting) fails the bench with what it said, never hangs it.
  const exited = new Promise<never>((_, reject) =>
    bot.once('exit', (code) => reject(new Error(`the bot exited (${code}) before it was healthy: ${stderr}`))),
  );
  await Promise.race([waitHealthy(`${base}/healthz`), exited]);
  exited.catch(() => undefined);
  return {
    bot,
    startMs: performance.now() - t0,
    base,
    events: `${base}/slack/events`,
    stop: async () => {
      bot.kill('SIGTERM');
      await fake.stop();
    },
    pid: bot.pid,
  };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function signedPost(url: string, text: string, user = 'U0BENCH'): Promise<Response> {
  const { body, headers } = signedBody(text, user);
  return fetch(url, { method: 'POST', body, headers });
}

/**
 * The edge under hostile load: a burst of 20 unsigned 1 MB bodies while a signed /summit status is sent and
 * /healthz is probed every 10 ms (a probe's latency shows how long the event loop was held); then 100,000-character
 * commands, and another user's status sent beside them.
 */
async function edge(): Promise<void> {
  const { base, events, stop } = await startBot();
  await signedPost(events, 'status');
  // Reading /metrics resets the bot's event-loop delay histogram (prom-client): the next read covers the burst.
  await eventLoopMaxMs(base);
  const megabyte = Buffer.alloc(1024 * 1024, 'x');
  const ts = String(Math.floor(Date.now() / 1000));
  const burst = Array.from({ length: 20 }, () =>
    fetch(events, {
      method: 'POST',
      body: megabyte,
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': ts,
        'x-slack-signature': `v0=${'1'.repeat(64)}`,
      },
    })
      .then((r) => r.status)
      .catch(() => -1),
  );
  const hostile = `a=${'b+'.repeat(2_000_000)}`;
  const crashers = Array.from({ length: 3 }, () =>
    fetch(events, { method: 'POST', body: hostile, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
      .then((r) => r.status)
      .catch(() => -1),
  );
  const statusMs = await timed(() => signedPost(events, 'status').then((r) => r.json()));
  await Promise.all([...burst, ...crashers]);
  const loopMax = await eventLoopMaxMs(base);
  const alive = (await fetch(`${base}/healthz`)).status === 200;
  rows.push({
    figure: 'signed /summit status during 20 unsigned 1 MB bodies (+3 of 4 MB)',
    value: `${statusMs.toFixed(0)} ms`,
    target: '<= 1000 ms',
    ok: statusMs <= 1000 && alive,
  });
  rows.push({
    figure: "the bot's longest event-loop delay during that burst",
    value: `${loopMax.toFixed(0)} ms`,
    target: '<= 50 ms',
    ok: loopMax <= 50,
  });

  const long = `update ${'a'.repeat(100_000)} b`;
  const longMs: number[] = [];
  for (let i = 0; i < 10; i++) longMs.push(await timed(() => signedPost(events, long).then((r) => r.json())));
  const beside = await Promise.all([
    ...Array.from({ length: 10 }, () => signedPost(events, long).then((r) => r.json())),
    timed(() => signedPost(events, 'status', 'U0OTHER').then((r) => r.json())),
  ]);
  const otherMs = beside[beside.length - 1] as number;
  const worstLong = Math.max(...longMs);
  rows.push({
    figure: '100,000-character command: slowest of 10',
    value: `${worstLong.toFixed(0)} ms`,
    target: '<= 100 ms',
    ok: worstLong <= 100,
  });
  rows.push({
    figure: "another user's status beside 10 such commands",
    value: `${otherMs.toFixed(0)} ms`,
    target: '<= 100 ms',
    ok: otherMs <= 100,
  });
  results.edge = {
    statusDuringBurstMs: statusMs,
    eventLoopMaxMs: loopMax,
    aliveAfter: alive,
    longCommandMs: longMs,
    otherUserBesideLongMs: otherMs,
  };
  await stop();
}

/** The longest event-loop delay since the last read, as the bot reports it on /metrics (prom-client resets it). */
async function eventLoopMaxMs(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^summit_nodejs_eventloop_lag_max_seconds (\S+)/m.exec(text)?.[1] ?? NaN) * 1000;
}

/** Heap in use, the heap V8 has reserved, and memory outside it (buffers, native), as the bot reports them on /metrics. */
async function heapMb(base: string): Promise<{ used: number; total: number; external: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const mb = (name: string) =>
    Number(new RegExp(`^summit_nodejs_${name} (\\S+)`, 'm').exec(text)?.[1] ?? 0) / 1024 / 1024;
  return {
    used: mb('heap_size_used_bytes'),
    total: mb('heap_size_total_bytes'),
    external: mb('external_memory_bytes'),
  };
}

/**
 * The soak: mixed traffic at 50 requests per second for SOAK_SECONDS a phase (default 120), first with 6 % asks
 * of 500 characters (the rest `questions all`, `status` and `facts`), then with half of them asks. RSS and heap are
 * read after a warm-up and at the end of each phase.
 */
async function soak(): Promise<void> {
  const phaseSeconds = Number(process.env.SOAK_SECONDS ?? 120);
  const { bot, base, events, stop } = await startBot();
  let n = 0;
  const question = 'Why did the staged rollout not stop the update before it reached every host in the fleet? '
    .repeat(6)
    .slice(0, 490);
  const phase = (askShare: number, seconds: number) =>
    autocannon({
      url: events,
      connections: 4,
      overallRate: 50,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            n += 1;
            const r = Math.random();
            const text =
              r < askShare
                ? `ask ${question} ${n}`
                : r < askShare + (1 - askShare) / 2
                  ? 'questions all'
                  : r < askShare + (3 * (1 - askShare)) / 4
                    ? 'status'
                    : 'facts';
            const { body, headers } = signedBody(text, `U${n % 500}`);
            return { ...req, body, headers };
          },
        },
      ],
    });
  await phase(0.06, 30);
  const sample = async () => {
    const heap = await heapMb(base);
    return { rssMb: rssMb(bot.pid as number), heapMb: heap.used, heapTotalMb: heap.total, externalMb: heap.external };
  };
  const warm = await sample();
  const low = await phase(0.06, phaseSeconds);
  const afterLow = await sample();
  const high = await phase(0.5, phaseSeconds);
  const afterHigh = await sample();
  const alive = (await fetch(`${base}/healthz`)).status === 200;
  const growth = afterHigh.rssMb - warm.rssMb;
  const errors = low.errors + low.non2xx + low.timeouts + high.errors + high.non2xx + high.timeouts;
  rows.push({
    figure: `soak RSS: warm / after ${phaseSeconds} s at 6 % asks / after ${phaseSeconds} s at 50 % asks`,
    value: `${warm.rssMb.toFixed(0)} / ${afterLow.rssMb.toFixed(0)} / ${afterHigh.rssMb.toFixed(0)} MB`,
    target: 'growth <= 20 MB',
    ok: growth <= 20 && alive,
  });
  rows.push({
    figure: 'soak heap in use: warm / after each phase',
    value: `${warm.heapMb.toFixed(0)} / ${afterLow.heapMb.toFixed(0)} / ${afterHigh.heapMb.toFixed(0)} MB`,
    target: 'no death',
    ok: alive,
  });
  rows.push({
    figure: 'soak heap reserved by V8 / external: warm, after each phase',
    value:
      [warm, afterLow, afterHigh].map((x) => `${x.heapTotalMb.toFixed(0)}/${x.externalMb.toFixed(0)}`).join(', ') +
      ' MB',
    target: '(reported)',
    ok: true,
  });
  rows.push({
    figure: 'soak requests (errors)',
    value: `${low.requests.total + high.requests.total} (${errors})`,
    target: '0 errors',
    ok: errors === 0,
  });
  results.soak = {
    phaseSeconds,
    rate: 50,
    warm,
    afterLow,
    afterHigh,
    growthMb: growth,
    alive,
    requests: low.requests.total + high.requests.total,
    errors,
    p99Ms: [low.latency.p99, high.latency.p99],
  };
  await stop();
}

/**
 * Many incidents (bench/incidents.ts): the scheduler's tick with 200 active incidents and 2,000 subscribed channels;
 * then the mix of read commands from channels that follow the CrowdStrike incident, against a bot following it alone
 * and a bot following 200 incidents with 2,000 channels following them, alternated in the same run; and the second
 * bot's memory after the load.
 */
async function incidents(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'summit-bench-incidents-'));
  const times = (await scaleTicks(ROOT, dir, SCALE_INCIDENTS, 200)).sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  rows.push({
    figure: `scheduler tick, ${SCALE_INCIDENTS} incidents and ${SCALE_CHANNELS} subscribed channels: median / p99`,
    value: `${at(0.5).toFixed(2)} / ${at(0.99).toFixed(2)} ms`,
    target: 'p99 <= 20 ms',
    ok: at(0.99) <= 20,
  });
  const admins = Array.from({ length: ADMINS }, (_, i) => userId(i));
  const start = async (count: number) => {
    const folder = scaleFolder(ROOT, dir, count, admins);
    const db = path.join(dir, `bot-${count}.db`);
    await seedFollows(db, count);
    return startBot({ SUMMIT_CONFIG: folder, DATABASE_URL: `sqlite:${db}` });
  };
  const one = await start(1);
  const many = await start(SCALE_INCIDENTS);
  const channels = crowdstrikeChannels(SCALE_INCIDENTS);
  await mixedLoad(one.events, SECRET, 2, CONNECTIONS, channels);
  await mixedLoad(many.events, SECRET, 2, CONNECTIONS, channels);
  const ones: MixedRun[] = [];
  const manys: MixedRun[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    ones.push(await mixedLoad(one.events, SECRET, SECONDS, CONNECTIONS, channels));
    manys.push(await mixedLoad(many.events, SECRET, SECONDS, CONNECTIONS, channels));
  }
  const rss = rssMb(many.pid as number);
  const mean = (xs: MixedRun[]) => xs.reduce((a, x) => a + x.rps, 0) / xs.length;
  const ratio = mean(manys) / mean(ones);
  const errors = [...ones, ...manys].reduce((a, x) => a + x.errors, 0);
  rows.push({
    figure: `mixed reads in a channel following 1 of ${SCALE_INCIDENTS} incidents vs 1 incident: req/s (p99 ms)`,
    value: `${mean(manys).toFixed(0)} (${Math.max(...manys.map((x) => x.p99))})`,
    floor: `${mean(ones).toFixed(0)} (${Math.max(...ones.map((x) => x.p99))})`,
    ratio: ratio.toFixed(2),
    target: 'ratio >= 0.9, 0 errors',
    ok: ratio >= 0.9 && errors === 0,
  });
  rows.push({
    figure: `resident memory with ${SCALE_INCIDENTS} incidents, after the load`,
    value: `${rss.toFixed(0)} MB`,
    target: '<= 150 MB',
    ok: rss <= 150,
  });
  results.incidents = {
    incidents: SCALE_INCIDENTS,
    channels: SCALE_CHANNELS,
    tick: { ticks: times.length, medianMs: at(0.5), p99Ms: at(0.99) },
    one: ones,
    many: manys,
    ratio,
    errors,
    rssMb: rss,
  };
  await one.stop();
  await many.stop();
}

/** Open questions in the growth runs: a team's usual handful, and the backlog of an incident followed for years. */
const GROWTH_OPEN = [20, 2000] as const;
/** At most this many of them asked in Slack before the run (the bound on questions added in Slack is 1,000). */
const GROWTH_ASKED = 800;

/**
 * Cost as work grows: the mix (bench/mixed.ts) against a bot whose incident has 20 open questions, one whose
 * incident has 2,000 (asked in Slack, as /summit ask records them), and one following 200 incidents whose mix
 * channels follow the CrowdStrike one; each beside the same floor, all alternated in the same rounds.
 */
async function growth(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'summit-bench-growth-'));
  const channels = crowdstrikeChannels(SCALE_INCIDENTS);
  const plain = mixDataset(dir);
  const openInDataset = questionsAsOf(
    parseIncident(readFileSync(plain, 'utf8'), plain).questions,
    new Date(),
    'open',
  ).length;
  /**
   * How the open questions are made: half asked in Slack (as /summit ask records them, at most GROWTH_ASKED, so
   * the asks of the run itself stay under the bound on questions added in Slack), the rest in the data set.
   */
  const split = (open: number) => {
    const asked = Math.min(GROWTH_ASKED, Math.floor((open - openInDataset) / 2));
    return { asked, inDataset: open - openInDataset - asked };
  };
  /** A store with `asked` questions asked in Slack, a quarter of the channels subscribed. */
  const seeded = async (name: string, asked: number, follows?: number) => {
    const file = path.join(dir, `${name}.db`);
    if (follows !== undefined) await seedFollows(file, follows);
    const base = await openStore({ kind: 'sqlite', path: file }, silent);
    const store = base.scoped('crowdstrike-2024');
    const actor = { id: userId(ADMINS), name: 'asker' };
    for (let q = 0; q < asked; q++)
      await store.addQuestion(
        { text: `Asked question ${q}: is item ${q} of the review settled?`, actor, at: new Date('2026-11-01') },
        () => `Q${1000 + q}`,
      );
    for (let c = 0; c < channels.length; c += 4)
      await store.reminders.subscribe({ kind: 'channel', id: channels[c] as string }, actor, new Date());
    await base.close();
    return `sqlite:${file}`;
  };
  const targets: { name: string; url: string; stop: () => Promise<void>; pid?: number }[] = [];
  for (const open of GROWTH_OPEN) {
    const { asked, inDataset } = split(open);
    const bot = await startBot({
      SUMMIT_CONFIG: mixDataset(dir, inDataset, `open-${open}`),
      DATABASE_URL: await seeded(`open-${open}`, asked),
    });
    targets.push({ name: `1 incident, ${open} open questions`, url: bot.events, stop: bot.stop, pid: bot.pid });
  }
  const admins = Array.from({ length: ADMINS }, (_, i) => userId(i));
  const folder = scaleFolder(ROOT, dir, SCALE_INCIDENTS, admins);
  const first = split(GROWTH_OPEN[0]);
  writeFileSync(
    path.join(folder, 'crowdstrike-2024.yaml'),
    readFileSync(mixDataset(dir, first.inDataset, `incidents-${GROWTH_OPEN[0]}`), 'utf8'),
  );
  const many = await startBot({
    SUMMIT_CONFIG: folder,
    DATABASE_URL: await seeded('incidents', first.asked, SCALE_INCIDENTS),
  });
  targets.push({
    name: `${SCALE_INCIDENTS} incidents, ${GROWTH_OPEN[0]} open questions`,
    url: many.events,
    stop: many.stop,
    pid: many.pid,
  });
  const floorPort = await freePort();
  const floor = await start(
    [path.join(ROOT, '.bench-build/bench/floor.js'), String(floorPort), SECRET],
    { PATH: process.env.PATH },
    /floor ready/,
  );
  const floorUrl = `http://127.0.0.1:${floorPort}/slack/events`;
  for (const t of targets) await mixedLoad(t.url, SECRET, 2, CONNECTIONS, channels);
  await mixedLoad(floorUrl, SECRET, 2, CONNECTIONS, channels);
  const runs = new Map<string, MixedRun[]>([
    ...targets.map((t) => [t.name, []] as [string, MixedRun[]]),
    ['floor', []],
  ]);
  for (let round = 0; round < ROUNDS; round++) {
    // Alternated, each bot and the floor once a round, so drift in the machine's load hits them alike.
    for (const t of targets)
      runs.get(t.name)?.push(await mixedLoad(t.url, SECRET, SECONDS, CONNECTIONS, channels, t.pid));
    runs.get('floor')?.push(await mixedLoad(floorUrl, SECRET, SECONDS, CONNECTIONS, channels, floor.pid));
  }
  const agg = (xs: MixedRun[]) => ({
    rps: xs.reduce((a, x) => a + x.rps, 0) / xs.length,
    p50: Math.max(...xs.map((x) => x.p50)),
    p99: Math.max(...xs.map((x) => x.p99)),
    errors: xs.reduce((a, x) => a + x.errors, 0),
    cpuMsPerRequest: cpuPerRequest(xs),
  });
  const f = agg(runs.get('floor') ?? []);
  const by = new Map(targets.map((t) => [t.name, agg(runs.get(t.name) ?? [])]));
  const base = by.get(targets[0]?.name ?? '');
  const out: Record<string, unknown> = { floor: f };
  for (const t of targets) {
    const b = by.get(t.name);
    if (!b || !base) continue;
    const ratio = b.rps / f.rps;
    const ofBase = b.rps / base.rps;
    out[t.name] = { ...b, ratio, ofBase };
    rows.push({
      figure: `growth, mix with ${t.name}: req/s (p50 / p99 ms, errors)`,
      value: `${b.rps.toFixed(0)} (${b.p50} / ${b.p99}, ${b.errors})`,
      floor: `${f.rps.toFixed(0)} (${f.p50} / ${f.p99}, ${f.errors})`,
      ratio: ratio.toFixed(2),
      target: t === targets[0] ? 'ratio >= 0.9 (the mix)' : `>= 0.9 of the first line (here ${ofBase.toFixed(2)})`,
      ok: (t === targets[0] ? ratio >= 0.9 : ofBase >= 0.9) && b.errors === 0,
    });
    rows.push(cpuRow(`growth, mix with ${t.name}`, { bot: b.cpuMsPerRequest, floor: f.cpuMsPerRequest }));
  }
  results.growth = out;
  floor.kill('SIGTERM');
  for (const t of targets) await t.stop();
}

/**
 * The CPU-per-request line reported under a mixed run: the bot's and the floor's, and their ratio as the
 * throughput's is (floor / bot: above 1 when the bot spends less per request). Reported, not a target: it is what
 * the throughput would be on a quiet machine, and it stays put when other tenants take the machine's time.
 */
function cpuRow(name: string, cpu: { bot?: number; floor?: number }): Row {
  const ms = (v?: number) => (v === undefined ? 'n/a' : `${v.toFixed(3)} ms`);
  return {
    figure: `${name}: CPU per request`,
    value: ms(cpu.bot),
    floor: ms(cpu.floor),
    ratio: cpu.bot && cpu.floor ? (cpu.floor / cpu.bot).toFixed(2) : '',
    target: '(reported)',
    ok: true,
  };
}

function print(): void {
  const head = ['figure', 'summit-bot', 'floor', 'ratio', 'target', 'verdict'];
  const table = rows.map((r) => [r.figure, r.value, r.floor ?? '', r.ratio ?? '', r.target, r.ok ? 'met' : 'MISSED']);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => (t[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  process.stdout.write(
    `\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n${table.map(line).join('\n')}\n`,
  );
}

/** A 2 MB feed of 33,000 items, polled twice by the bot as `npm start` runs it: both polls succeed, peak RSS. */
async function feed(): Promise<void> {
  const f = await feedMemory(ROOT, startArgs());
  const ok = (f.polls.baseline ?? 0) >= 1 && (f.polls.ok ?? 0) >= 1;
  rows.push({
    figure: `feed of ${f.items} items (${(f.bytes / 1048576).toFixed(2)} MB): polls`,
    value: Object.entries(f.polls)
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
    target: 'baseline and ok, no failure',
    ok,
  });
  rows.push({
    figure: 'feed of 33,000 items: peak RSS over both polls',
    value: `${f.peakRssMb} MB`,
    target: '<= 150 MB',
    ok: f.peakRssMb <= 150,
  });
  results.feed = f;
}

/** Questions as GitHub issues: 1,000 linked, a poll of them unchanged, a burst of 500 changes (bench/github.ts). */
async function github(): Promise<void> {
  const g = await githubScale(ROOT);
  rows.push({
    figure: `GitHub: a poll of ${g.linked} linked questions, unchanged`,
    value: `${g.unchangedPoll.requests} request (${g.unchangedPoll.statuses.join(', ')}), rate limit cost ${g.unchangedPoll.rateLimitCost}`,
    target: '1 request, cost 0',
    ok: g.unchangedPoll.requests === 1 && g.unchangedPoll.statuses[0] === 304 && g.unchangedPoll.rateLimitCost === 0,
  });
  rows.push({
    figure: `GitHub: a burst of ${g.burst.changes} changes, paced ${g.burst.paceMs} ms (limit ${g.burst.limitGapMs} ms)`,
    value: `${g.burst.comments} comments, ${g.burst.distinctMarkers} distinct, ${g.burst.refusedByLimit} refused, ${g.burst.seconds.toFixed(1)} s`,
    floor: `${g.burst.floorSeconds.toFixed(1)} s`,
    target: `${g.burst.changes} once, 0 refused`,
    ok:
      g.burst.comments === g.burst.changes &&
      g.burst.distinctMarkers === g.burst.changes &&
      g.burst.refusedByLimit === 0,
  });
  rows.push({
    figure: `GitHub: ${g.unpaced.changes} changes without the pace (the fake's limit bites)`,
    value: `${g.unpaced.refusedByLimit} refused and retried; ${g.unpaced.comments} comments, ${g.unpaced.distinctMarkers} distinct`,
    target: 'refused > 0, each once',
    ok:
      g.unpaced.refusedByLimit > 0 &&
      g.unpaced.comments === g.unpaced.changes &&
      g.unpaced.distinctMarkers === g.unpaced.changes,
  });
  rows.push({
    figure: `GitHub: the sender's pass over ${g.linked} links, nothing to send`,
    value: `${g.idlePassMs.toFixed(0)} ms (a tick with nothing changed: ${g.idleTickMs.toFixed(1)} ms)`,
    target: '<= 500 ms (tick <= 10 ms)',
    ok: g.idlePassMs <= 500 && g.idleTickMs <= 10,
  });
  results.github = g;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const only = process.argv[2];
  if (only === 'soak') await soak();
  else if (only === 'feed') await feed();
  else if (only === 'mixed') await mixed();
  else if (only === 'commands') await commands();
  else if (only === 'edge') await edge();
  else if (only === 'incidents') await incidents();
  else if (only === 'growth') await growth();
  else if (only === 'github') await github();
  else {
    await mixed();
    await growth();
    await incidents();
    await commands();
    await edge();
    await fanOut();
    await tick();
    await feed();
    await github();
  }
  results.rows = rows;
  results.totalSeconds = (Date.now() - t0) / 1000;
  // A full run writes results.json; `soak` writes soak.json; `commands` and `edge` alone (for profiling) write nothing.
  const file = only === undefined ? 'results.json' : only === 'soak' ? 'soak.json' : undefined;
  if (file) writeFileSync(path.join(ROOT, 'bench', file), `${JSON.stringify(results, null, 2)}\n`);
  print();
  process.stdout.write(
    `\nmachine: ${cpus().length} cores, ${cpus()[0]?.model ?? ''}, Node ${process.version}; ${results.totalSeconds} s${file ? `; bench/${file} written` : ''}\n`,
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${String(e instanceof Error ? e.stack : e)}\n`);
    process.exit(1);
  },
);
