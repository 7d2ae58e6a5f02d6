import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { signLink } from '../../src/lib/links';
import { FakeSlack } from '../helpers/fake-slack';
import { cleanEnv, freePort, START_FLAGS, startBotProcess } from '../helpers/process';
import { postSigned, slashCommandBody } from '../helpers/slack-requests';

/**
 * The bot's HTTP doors under hostile input, as a process on the 128 MB heap of `npm start`: a flood of made-up page
 * links keeps the process within its memory bound and Slack's requests answered in time; no token reaches a log
 * line, whatever the path, method or case.
 */

const BOT_TOKEN = 'xoxb-11-22-doorsprocesstoken';
const SECRET = 'doors-signing-secret-0123456789abcdef';
const LINK_SECRET = 'doors-link-secret-0123456789abcdef-0123456789';

/** Resident memory of a process, in MB (Linux /proc); infinite once the process is gone (it died). */
function rssMb(pid: number): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : 0;
}

function get(url: string, method = 'GET'): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(-1));
    req.end();
  });
}

describe('the new doors, as a process', () => {
  let fake: FakeSlack;
  let port: number;
  let bot: ReturnType<typeof startBotProcess>;
  beforeAll(async () => {
    fake = new FakeSlack();
    port = await freePort();
    bot = startBotProcess(
      cleanEnv({
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: await fake.start(),
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: 'https://summit.example.com',
        WEB_LINK_SECRET: LINK_SECRET,
        LOG_LEVEL: 'debug',
      }),
      /summit-bot is running/,
      START_FLAGS,
    );
    await bot.ready;
  });
  afterAll(async () => {
    bot.child.kill('SIGKILL');
    await fake.stop();
  });

  test('10,000 requests with distinct 14 KB tokens: within 150 MB, and a signed /summit status beside them answers in time', async () => {
    const base = `http://127.0.0.1:${port}`;
    let peak = rssMb(bot.child.pid as number);
    let sent = 0;
    const statuses = new Map<number, number>();
    const worker = async () => {
      while (sent < 10_000) {
        const i = (sent += 1);
        const token = `${i}.`.padEnd(14_000, 'A');
        const status = await get(`${base}/incidents/crowdstrike-2024?token=${token}`);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (i % 500 === 0) peak = Math.max(peak, rssMb(bot.child.pid as number));
      }
    };
    const flood = Promise.all(Array.from({ length: 8 }, worker));
    // In the middle of the flood, Slack's request is answered well within its 3 seconds.
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    const res = await postSigned(`${base}/slack/events`, slashCommandBody('status'), { secret: SECRET });
    const took = Date.now() - started;
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Windows Endpoint Security Ecosystem Summit');
    expect(took).toBeLessThan(3000);
    await flood;
    peak = Math.max(peak, rssMb(bot.child.pid as number));
    // Refused (403) until the address used its minute, then 429 before any work; never a page, never a crash.
    expect([...statuses.keys()].sort()).toEqual([403, 429]);
    expect(peak).toBeLessThan(150);
    expect(bot.child.exitCode).toBeNull();
  }, 120_000);

  test('no token or secret in any log line: every route and mistyped route, any method and case', async () => {
    const base = `http://127.0.0.1:${port}`;
    const now = Date.now();
    const real = signLink(LINK_SECRET, { incident: 'crowdstrike-2024', issuedAt: now, expiresAt: now + 86_400_000 });
    const made = 'madeupTOKENvalue0123456789';
    const paths = [
      '/incidents/crowdstrike-2024',
      '/incidents/crowdstrike-2024/calendar.ics',
      '//incidents/crowdstrike-2024',
      '/Incidents/crowdstrike-2024',
      '/incidentsX',
      '/incidents',
      '/slack/events',
      '/SLACK/events',
      '/healthz',
      '/metrics',
      '/nothing/here',
    ];
    for (const path of paths)
      for (const method of ['GET', 'HEAD', 'POST', 'DELETE'])
        for (const token of [real, made]) await get(`${base}${path}?token=${token}&x=1`, method);
    // The log is read whole once the requests are answered.
    await new Promise((r) => setTimeout(r, 300));
    const log = bot.output();
    expect(log).toContain('Unhandled HTTP request');
    expect(log).not.toContain(real);
    expect(log).not.toContain(real.split('.')[1] as string);
    expect(log).not.toContain(made);
    expect(log).not.toContain('doorsprocesstoken');
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain(LINK_SECRET);
  });
});
