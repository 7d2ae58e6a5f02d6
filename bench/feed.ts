import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { FakeSlack } from '../test/helpers/fake-slack';
import { freePort } from '../test/helpers/process';

/**
 * The feed scenario: the bot, started as `npm start` starts it (HTTP mode, its heap flags), watches one feed of about
 * 33,000 small items (just under the 2 MB cap) on 127.0.0.1. The first poll records them all; then the feed
 * changes (new ids on every item, as a churning feed does) and is polled again. Reported: whether both polls
 * succeeded (summit_feed_polls_total), and the bot's peak resident memory (VmHWM) over both, against 150 MB.
 */

export interface FeedFigures {
  items: number;
  bytes: number;
  polls: Record<string, number>;
  peakRssMb: number;
  seconds: number;
}

const ITEMS = 33_000;

/** An RSS document of `n` small items, ids prefixed with `round` (a new round: every id changes). */
export function bigFeed(n: number, round: string): string {
  const items: string[] = [];
  for (let i = 0; i < n; i++) items.push(`<item><guid>${round}${i}</guid><title>Post ${i}</title></item>`);
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title><link>https://big.example/</link><description>b</description>${items.join('')}</channel></rss>`;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function pollCounts(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/summit_feed_polls_total\{feed="big",result="([^"]+)"\} (\d+)/g))
    out[m[1] as string] = Number(m[2]);
  return out;
}

export async function feedMemory(root: string, startArgs: string[]): Promise<FeedFigures> {
  let body = bigFeed(ITEMS, 'a');
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml', etag: `"${body.length}-${body.slice(60, 70)}"` });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed`;
  const dir = mkdtempSync(path.join(tmpdir(), 'summit-bench-feed-'));
  const doc = parseDocument(readFileSync(path.join(root, 'config', 'incidents', 'crowdstrike-2024.yaml'), 'utf8'));
  doc.setIn(['watch'], [{ id: 'big', url: feedUrl, publisher: 'Big blog', every: '1m', match: ['kernel'] }]);
  const dataset = path.join(dir, 'summit.yaml');
  writeFileSync(dataset, doc.toString());
  const fake = new FakeSlack();
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-signing-secret',
    SLACK_API_URL: await fake.start(),
    PORT: String(port),
    HOST: '127.0.0.1',
    SUMMIT_CONFIG: dataset,
    DATABASE_URL: `sqlite:${path.join(dir, 'summit.db')}`,
    LOG_LEVEL: 'warn',
  };
  const t0 = performance.now();
  const bot = spawn(process.execPath, startArgs, { cwd: root, env, stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  const until = async (done: (c: Record<string, number>) => boolean, ms: number) => {
    const end = Date.now() + ms;
    for (;;) {
      const counts = await pollCounts(base).catch(() => ({}) as Record<string, number>);
      if (done(counts)) return counts;
      if (Date.now() > end) throw new Error(`feed polls did not finish: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  try {
    const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    await until((c) => total(c) >= 1, 60_000);
    // Every id changes: the next poll (a minute on) finds 33,000 new items, posts a bounded few, records the rest.
    body = bigFeed(ITEMS, 'b');
    const polls = await until((c) => total(c) >= 2, 120_000);
    return {
      items: ITEMS,
      bytes: Buffer.byteLength(body),
      polls,
      peakRssMb: Math.round(peakRssMb(bot.pid as number) * 10) / 10,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
    };
  } finally {
    bot.kill('SIGTERM');
    server.closeAllConnections();
    server.close();
    await fake.stop();
  }
}
