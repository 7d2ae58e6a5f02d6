import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/**
 * The mixed scenario: what a workspace sends, not one command repeated. Every request is signed on its own for one
 * of many users (some of them the data set's admins) in one of many channels, and is any read command of the
 * registry with realistic arguments; about one in two hundred changes the state (a member asks, an admin answers),
 * so state versions move during the run and reused replies go stale as they would. The same requests go to the bot
 * and to the bare-Bolt floor, alternated.
 */

export const USERS = 400;
export const CHANNELS = 20;
/** The first ADMINS users are listed as admins in the bench's data set. */
export const ADMINS = 10;
export const userId = (i: number) => `U0MIX${String(i).padStart(4, '0')}`;
export const channelId = (i: number) => `C0MIX${String(i).padStart(3, '0')}`;

/** Read commands with the arguments people give them, weighted roughly as a team would use them. */
const READS: [string, number][] = [
  ['status', 8],
  ['', 4],
  ['facts', 4],
  ['facts outage', 3],
  ['facts summit', 2],
  ['facts aftermath', 2],
  ['when', 4],
  ['questions', 6],
  ['questions all', 3],
  ['questions answered', 2],
  ['timeline', 3],
  ['updates', 3],
  ['history Q1', 1],
  ['history Q2', 1],
  ['history Q3', 1],
  ['history Q4', 1],
  ['schedule', 2],
  ['mine', 2],
  ['sources', 1],
  ['help', 1],
];
const READ_TABLE = READS.flatMap(([text, weight]) => Array<string>(weight).fill(text));

/** One write in this many requests. */
export const WRITE_EVERY = 200;

/** A deterministic stream of requests (same sequence for the bot and the floor). */
export class MixedRequests {
  private n = 0;
  writes = 0;
  /** @param channels where the requests come from (default: the CHANNELS mix channels). */
  constructor(
    private readonly secret: string,
    private readonly channels: readonly string[] = Array.from({ length: CHANNELS }, (_, i) => channelId(i)),
  ) {}

  next(): { body: string; headers: Record<string, string> } {
    const i = this.n++;
    // A cheap deterministic scramble, so users, channels and commands do not move in lockstep.
    const h = (Math.imul(i + 1, 2654435761) >>> 0) % 1_000_003;
    const user = h % USERS;
    const channel = (h >>> 3) % this.channels.length;
    let text: string;
    let by = user;
    if (i % WRITE_EVERY === WRITE_EVERY - 1) {
      this.writes++;
      if (this.writes % 2 === 0) {
        by = user % ADMINS;
        text = `answer Q3 Still no total; checked again (${i}) https://example.com/count`;
      } else text = `ask Is there news on item ${i} of the review?`;
    } else text = READ_TABLE[h % READ_TABLE.length] as string;
    const body = new URLSearchParams({
      token: 'x',
      team_id: 'T0BENCH',
      team_domain: 'bench',
      channel_id: this.channels[channel] as string,
      channel_name: `mix-${channel}`,
      user_id: userId(by),
      user_name: `user${by}`,
      command: '/summit',
      text,
      api_app_id: 'A0BENCH',
      response_url: 'http://127.0.0.1:9/hooks/x',
      trigger_id: `1.2.${i}`,
    }).toString();
    return signedForm(body, this.secret);
  }
}

/** A form body with the headers Slack sends: its request timestamp and the v0 signature over both. */
export function signedForm(body: string, secret: string): { body: string; headers: Record<string, string> } {
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature,
    },
  };
}

export interface MixedRun {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  total: number;
  /** CPU time the server process used during the run (user + system, ms), when its pid was given. */
  cpuMs?: number;
}

/** Clock ticks per second of /proc's CPU times. */
const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/**
 * CPU time a process has used so far (user + system, ms), from /proc/<pid>/stat: fields 14 and 15, counted after the
 * command name's closing parenthesis (the name may hold spaces).
 */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

/** One timed run of the mix against `url`. */
export async function mixedLoad(
  url: string,
  secret: string,
  seconds: number,
  connections: number,
  channels?: readonly string[],
  pid?: number,
): Promise<MixedRun> {
  const stream = new MixedRequests(secret, channels);
  const cpuBefore = pid === undefined ? 0 : cpuMsOf(pid);
  const r = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (req) => {
          const { body, headers } = stream.next();
          return { ...req, method: 'POST', body, headers: { ...req.headers, ...headers } };
        },
      },
    ],
  });
  const run = runOf(r);
  return pid === undefined ? run : { ...run, cpuMs: cpuMsOf(pid) - cpuBefore };
}

/**
 * CPU per request over several runs (ms): the server's CPU time over the requests it answered. Unlike req/s it does
 * not move with what else the machine runs meanwhile (the load generator shares its two cores; other tenants steal
 * time), so it shows what a change to the code did when throughput is too noisy to.
 */
export function cpuPerRequest(runs: readonly MixedRun[]): number | undefined {
  const total = runs.reduce((a, x) => a + x.total, 0);
  if (total === 0 || runs.some((x) => x.cpuMs === undefined)) return undefined;
  return runs.reduce((a, x) => a + (x.cpuMs ?? 0), 0) / total;
}

/** What the bench keeps of an autocannon result. */
export function runOf(r: autocannon.Result): MixedRun {
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    total: r.requests.total,
  };
}

/** The bot's reply counters from /metrics: reused before Bolt, reused in the listener, made anew. */
export async function replyCounts(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const out: Record<string, number> = { receiver: 0, listener: 0, made: 0 };
  for (const m of text.matchAll(/summit_replies_total\{path="([a-z]+)"\} (\d+)/g)) out[m[1] as string] = Number(m[2]);
  return out;
}
