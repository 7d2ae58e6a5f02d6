import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Client } from 'pg';
import { FeedServer } from '../helpers/feed-server';
import { datasetWith, ROOT } from '../helpers/incident';
import { describePostgres, freshSchema, postgresStore } from '../helpers/postgres';
import { cleanEnv, runBot } from '../helpers/process';
import { ADMIN } from '../helpers/store';

/**
 * A run at another moment (--at, SUMMIT_NOW), `npm run preview` and `npm run watch -- --once` at another moment
 * change nothing a run at the real time reads back: they work on a copy of the store. Proved by reading every
 * table of the store, row for row, before and after.
 */

type Dump = Record<string, unknown[]>;

function dumpSqlite(file: string): Dump {
  const db = new SqliteDatabase(file, { readonly: true });
  try {
    const tables = db
      .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`)
      .pluck()
      .all() as string[];
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`select * from "${t}" order by rowid`).all()]));
  } finally {
    db.close();
  }
}

async function dumpPostgres(url: string): Promise<Dump> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const tables = await c.query<{ name: string }>(
      `select table_name as name from information_schema.tables where table_schema = current_schema() order by 1`,
    );
    const out: Dump = {};
    for (const { name } of tables.rows) out[name] = (await c.query(`select * from "${name}" order by 1, 2`)).rows;
    return out;
  } finally {
    await c.end();
  }
}

function runNode(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'dist', script), ...args],
      { cwd: ROOT, env },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('a run at another moment against a SQLite store', () => {
  const feeds = new FeedServer();
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const base = await feeds.start();
    feeds.setItems('/one', [{ guid: 'a', title: 'CrowdStrike resilience notes', link: 'https://blog.example/a' }]);
    dir = mkdtempSync(path.join(tmpdir(), 'summit-asof-'));
    const dataset = path.join(dir, 'summit.yaml');
    writeFileSync(
      dataset,
      datasetWith((doc) => {
        doc.setIn(['watch'], [{ id: 'one', url: `${base}/one`, publisher: 'Test blog', every: '1m', match: [] }]);
      }),
    );
    env = cleanEnv({ DATABASE_URL: `sqlite:${path.join(dir, 'summit.db')}`, SUMMIT_CONFIG: dataset });
  });

  afterAll(() => feeds.stop());

  test('writes nothing: every table row for row, for the console, preview and watch --once', async () => {
    // At the real time: a subscription, a question, and the feed's first poll.
    const real = await runBot([], { env, input: 'subscribe\nask Was the fix validated by a third party?\n' });
    expect(real.code).toBe(0);
    const before = dumpSqlite(path.join(dir, 'summit.db'));
    expect(before.subscription).toHaveLength(1);
    expect(before.added_question).toHaveLength(1);
    expect(before.feed_state).toHaveLength(1);

    // A new item appears; a run at another moment sees it, subscribes, asks, answers, and posts what falls due.
    feeds.setItems('/one', [
      { guid: 'a', title: 'CrowdStrike resilience notes', link: 'https://blog.example/a' },
      { guid: 'b', title: 'CrowdStrike kernel changes', link: 'https://blog.example/b' },
    ]);
    const pretend = await runBot(['--at', '2027-06-01'], {
      env,
      input: 'remind me\nask Is a second review planned?\nanswer Q1 Yes https://example.com/a\nquestions all\n',
    });
    expect(pretend.code).toBe(0);
    expect(pretend.stderr).toContain('on a copy of the store');
    // The copy holds what the store held: the question asked at the real time is there.
    expect(pretend.stdout).toContain('Was the fix validated by a third party?');
    expect(pretend.stdout).toContain('Is a second review planned?');
    expect(pretend.stdout).toContain('CrowdStrike kernel changes');

    const watched = await runNode('watch-once.js', ['--once'], { ...env, SUMMIT_NOW: '2027-06-01' });
    expect(watched.stdout).toContain('one: 1 new');
    expect(watched.stdout).toContain('nothing was recorded');
    const previewed = await runNode('preview.js', [], { ...env, SUMMIT_NOW: '2027-06-01' });
    expect(previewed.code).toBe(0);

    expect(dumpSqlite(path.join(dir, 'summit.db'))).toEqual(before);

    // And a run at the real time reads no pretend check time back.
    const after = await runBot([], { env, input: 'sources\n' });
    expect(after.stdout).not.toMatch(/2027/);
  }, 60_000);

  test('npm run watch -- --once logs in the bot’s own format (JSON lines, app summit-bot)', async () => {
    feeds.behave('/one', { kind: 'status', status: 500 });
    try {
      const r = await runNode('watch-once.js', ['--once'], { ...env, DATABASE_URL: 'sqlite::memory:' });
      expect(r.code).toBe(1);
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(JSON.parse(line)).toMatchObject({ app: 'summit-bot', level: 'warn' });
    } finally {
      feeds.behave('/one', { kind: 'feed' });
    }
  });

  test('a missing store file is not created by a run at another moment', async () => {
    const file = path.join(dir, 'never.db');
    const r = await runBot(['--at', '2024-09-03'], {
      env: { ...env, DATABASE_URL: `sqlite:${file}` },
      input: 'subscribe\n',
    });
    expect(r.code).toBe(0);
    expect(() => dumpSqlite(file)).toThrow();
  });

  test('SUMMIT_NOW_STORE=store is refused with the default store', async () => {
    const r = await runBot([], {
      env: { ...cleanEnv({ SUMMIT_NOW: '2024-09-03', SUMMIT_NOW_STORE: 'store' }), DATABASE_URL: '' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SUMMIT_NOW_STORE: store is refused with the default store/);
  });
});

describePostgres('a run at another moment against a PostgreSQL store', () => {
  test('reads the store into its copy and writes nothing back', async () => {
    const { url, drop } = await freshSchema();
    try {
      const store = await postgresStore(url);
      await store.addQuestion(
        { text: 'Did the vendor publish its review?', actor: ADMIN, at: new Date('2024-09-01T00:00:00Z') },
        () => 'Q9',
      );
      await store.reminders.subscribe({ kind: 'console', id: 'local' }, ADMIN, new Date('2024-09-01T00:00:00Z'));
      await store.close();
      const before = await dumpPostgres(url);
      const r = await runBot(['--at', '2024-09-03'], {
        env: cleanEnv({ DATABASE_URL: url }),
        input: 'ask One more?\nanswer Q1 Yes https://example.com/a\nquestions all\n',
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Did the vendor publish its review?');
      expect(r.stdout).toContain('One more?');
      expect(await dumpPostgres(url)).toEqual(before);
    } finally {
      await drop();
    }
  }, 30_000);
});
