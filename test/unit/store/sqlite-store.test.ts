import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { applyFollowUps } from '../../../src/core/follow-up';
import { questionAsOf } from '../../../src/core/questions';
import { ConfigError } from '../../../src/lib/errors';
import type { FollowUpStore } from '../../../src/store/repository';
import { defaultIncident, ROOT } from '../../helpers/incident';
import { openStore } from '../../../src/store/open';
import { ADMIN, MEMBER, silent, testStore } from '../../helpers/store';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'summit-store-'));

async function openError(file: string): Promise<ConfigError> {
  try {
    const s = await testStore(file);
    await s.close();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected the store to refuse to open');
}

describe('the SQLite store, on a real file', () => {
  let dir: string;
  let file: string;
  let store: FollowUpStore;

  beforeEach(async () => {
    dir = tmp();
    file = path.join(dir, 'summit.db');
    store = await testStore(file);
  });
  afterEach(async () => {
    await store.close().catch(() => undefined);
  });

  test('uses WAL and a busy timeout', () => {
    const raw = new SqliteDatabase(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  test('running the migrations twice changes nothing', async () => {
    await store.recordChange({
      questionId: 'Q3',
      status: 'partial',
      answer: 'a',
      actor: ADMIN,
      at: new Date('2025-01-01T00:00:00Z'),
    });
    await store.close();
    store = await testStore(file);
    store = await (async () => {
      await store.close();
      return testStore(file);
    })();
    const raw = new SqliteDatabase(file, { readonly: true });
    expect(raw.prepare('select name from kysely_migration order by name').all()).toEqual([
      { name: '0001_follow_up_state' },
      { name: '0002_reminders' },
      { name: '0003_request_seen' },
      { name: '0004_ownership' },
      { name: '0005_watch' },
      { name: '0006_feed_flood_bound' },
      { name: '0007_state_version' },
      { name: '0008_incidents' },
      { name: '0009_page_links' },
      { name: '0010_curation' },
      { name: '0011_started_incident' },
      { name: '0012_state_version_notify' },
      { name: '0013_notify_kind' },
      { name: '0014_held_command' },
      { name: '0015_delivery_posting' },
      { name: '0016_tracker' },
      { name: '0017_started_incident_github' },
    ]);
    raw.close();
    expect((await store.state()).changes).toHaveLength(1);
  });

  test('every write reads back, with who and when', async () => {
    const at = new Date('2025-02-03T04:05:06.789Z');
    const c = await store.recordChange({
      questionId: 'Q3',
      status: 'answered',
      answer: 'About 8.5 million',
      sourceUrl: 'https://example.com/a',
      actor: ADMIN,
      at,
    });
    const q = await store.addQuestion({ text: 'Will there be a second summit?', actor: MEMBER, at }, () => 'Q5');
    const u = await store.recordUpdate({
      expectedId: 'post-summit',
      text: 'Blog post',
      url: 'https://example.com/u',
      actor: ADMIN,
      at,
    });
    const state = await store.state();
    expect(state.changes).toEqual([{ ...c, note: undefined, supersededBy: undefined }]);
    expect(state.changes[0]).toMatchObject({
      questionId: 'Q3',
      status: 'answered',
      answer: 'About 8.5 million',
      sourceUrl: 'https://example.com/a',
      actor: ADMIN,
      at,
    });
    expect(state.questions).toEqual(['added' in q ? q.added : undefined]);
    expect(state.questions[0]).toMatchObject({
      questionId: 'Q5',
      text: 'Will there be a second summit?',
      actor: MEMBER,
      at,
    });
    expect(state.updates).toEqual([{ ...u }]);
    expect(state.updates[0]).toMatchObject({
      expectedId: 'post-summit',
      text: 'Blog post',
      url: 'https://example.com/u',
      actor: ADMIN,
      at,
    });
  });

  test('an audit row for every change', async () => {
    const at = new Date('2025-01-01T00:00:00Z');
    await store.recordChange({ questionId: 'Q3', status: 'partial', answer: 'some', actor: ADMIN, at });
    await store.recordChange({ questionId: 'Q3', status: 'open', note: 'doubts', actor: ADMIN, at });
    await store.addQuestion({ text: 'Why?', actor: MEMBER, at }, () => 'Q5');
    await store.recordUpdate({ text: 'News', actor: ADMIN, at });
    const audit = await store.auditLog();
    expect(audit.map((a) => [a.action, a.subject, a.actorId])).toEqual([
      ['question.partial', 'Q3', ADMIN.id],
      ['question.reopened', 'Q3', ADMIN.id],
      ['question.added', 'Q5', MEMBER.id],
      ['update.recorded', '', ADMIN.id],
    ]);
    expect(audit[1]?.detail).toEqual({ note: 'doubts' });
  });

  test('history comes back in time order, ties in recording order', async () => {
    await store.recordChange({
      questionId: 'Q4',
      status: 'partial',
      answer: 'second',
      actor: ADMIN,
      at: new Date('2025-01-02T00:00:00Z'),
    });
    await store.recordChange({
      questionId: 'Q4',
      status: 'partial',
      answer: 'first',
      actor: ADMIN,
      at: new Date('2025-01-01T00:00:00Z'),
    });
    await store.recordChange({
      questionId: 'Q4',
      status: 'answered',
      answer: 'third',
      actor: ADMIN,
      at: new Date('2025-01-02T00:00:00Z'),
    });
    expect((await store.state()).changes.map((c) => c.answer)).toEqual(['first', 'second', 'third']);
  });

  test('the current state is derived: the data set, then the recorded changes as of each moment', async () => {
    const incident = defaultIncident();
    await store.recordChange({
      questionId: 'Q3',
      status: 'answered',
      answer: 'A final count',
      actor: ADMIN,
      at: new Date('2025-03-01T12:00:00Z'),
    });
    await store.recordChange({
      questionId: 'Q3',
      status: 'open',
      note: 'The count was withdrawn',
      actor: ADMIN,
      at: new Date('2025-04-01T12:00:00Z'),
    });
    const merged = applyFollowUps(incident, await store.state());
    const q3 = merged.questions.find((q) => q.id === 'Q3');
    if (!q3) throw new Error('Q3');
    expect(questionAsOf(q3, new Date('2025-02-01')).status).toBe('open');
    expect(questionAsOf(q3, new Date('2025-03-15')).status).toBe('answered');
    const now = questionAsOf(q3, new Date('2025-05-01'));
    expect(now.status).toBe('open');
    expect(now.note?.note).toBe('The count was withdrawn');
    expect(now.note?.by).toEqual(ADMIN);
  });

  test('a restart keeps everything', async () => {
    await store.recordChange({
      questionId: 'Q2',
      status: 'answered',
      answer: 'done',
      actor: ADMIN,
      at: new Date('2025-01-01T00:00:00Z'),
    });
    await store.addQuestion({ text: 'New?', actor: MEMBER, at: new Date('2025-01-01T00:00:00Z') }, () => 'Q5');
    await store.recordUpdate({ text: 'u', actor: ADMIN, at: new Date('2025-01-01T00:00:00Z') });
    const before = await store.state();
    await store.close();
    store = await testStore(file);
    expect(await store.state()).toEqual(before);
    expect(await store.auditLog()).toHaveLength(3);
  });

  test('two processes adding questions on one file at once get distinct ids', async () => {
    await store.close();
    // Each process opens the file and adds five questions as fast as it can (the built code, as in production).
    const script = `
      const { openStore } = require(${JSON.stringify(path.join(ROOT, 'dist/store/open.js'))});
      const { nextQuestionId } = require(${JSON.stringify(path.join(ROOT, 'dist/core/follow-up.js'))});
      const pino = require('pino');
      (async () => {
        const store = (await openStore({ kind: 'sqlite', path: process.argv[1] }, pino({ level: 'silent' }))).scoped('crowdstrike-2024');
        const incident = { questions: [1, 2, 3, 4].map((n) => ({ id: 'Q' + n })) };
        for (let i = 0; i < 5; i++) await store.addQuestion({ text: 'q', actor: { id: 'U' + process.pid, name: 'p' }, at: new Date() }, (t) => nextQuestionId(incident, t));
        await store.close();
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const run = () =>
      new Promise<number | null>((resolve) =>
        spawn(process.execPath, ['-e', script, file], { cwd: ROOT, stdio: 'inherit' }).on('exit', resolve),
      );
    expect(await Promise.all([run(), run()])).toEqual([0, 0]);
    store = await testStore(file);
    const ids = (await store.state()).questions.map((q) => Number(q.questionId.slice(1))).sort((a, b) => a - b);
    expect(ids).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  test('a second connection on the same file sees writes at once (WAL)', async () => {
    const other = await testStore(file);
    try {
      await store.recordUpdate({ text: 'seen?', actor: ADMIN, at: new Date() });
      expect((await other.state()).updates.map((u) => u.text)).toEqual(['seen?']);
    } finally {
      await other.close();
    }
  });
});

describe('a store that cannot be opened stops the bot (exit code 2) and is never overwritten', () => {
  test('an unwritable default folder (a path through a file)', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'afile'), 'x');
    let e: unknown;
    await openStore({ kind: 'sqlite', path: path.join(dir, 'afile', 'summit.db'), isDefault: true }, silent).catch(
      (x: unknown) => (e = x),
    );
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).exitCode).toBe(2);
    expect((e as ConfigError).message).toMatch(
      /Cannot create the folder for the SQLite store .*afile\/summit.db.*DATABASE_URL=sqlite:/,
    );
  });

  test('the default path makes its folder', async () => {
    const file = path.join(tmp(), 'data', 'summit.db');
    const s = await openStore({ kind: 'sqlite', path: file, isDefault: true }, silent);
    await s.close();
    expect(existsSync(file)).toBe(true);
  });

  test('a path someone wrote whose folder does not exist: refused naming the folder, and nothing is created', async () => {
    const dir = tmp();
    const e = await openError(path.join(dir, 'no', 'such', 'summit.db'));
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(
      `The folder of the SQLite store ${path.join(dir, 'no', 'such', 'summit.db')} (${path.join(dir, 'no', 'such')}) does not exist`,
    );
    expect(e.message).toContain('DATABASE_URL');
    expect(existsSync(path.join(dir, 'no'))).toBe(false);
  });

  test('a file that is not a database is left untouched', async () => {
    const file = path.join(tmp(), 'notes.db');
    const content = 'These are my notes, not a database.\n'.repeat(100);
    writeFileSync(file, content);
    const e = await openError(file);
    expect(e.message).toMatch(/notes.db is not a SQLite database. It was left untouched/);
    expect(readFileSync(file, 'utf8')).toBe(content);
  });

  test('a schema newer than the code knows', async () => {
    const file = path.join(tmp(), 'newer.db');
    const s = await testStore(file);
    await s.close();
    const raw = new SqliteDatabase(file);
    raw.prepare("insert into kysely_migration (name, timestamp) values ('0099_from_the_future', '2030-01-01')").run();
    raw.close();
    const before = readFileSync(file);
    const e = await openError(file);
    expect(e.message).toMatch(/has a newer schema \(0099_from_the_future\) than this version of summit-bot knows/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
