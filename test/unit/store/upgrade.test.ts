import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Migration } from 'kysely';
import { Pool } from 'pg';
import { postgresSeam, sqliteSeam, type DialectSeam } from '../../../src/store/dialect';
import { migrations } from '../../../src/store/migrations';
import { openStore } from '../../../src/store/open';
import type { FollowUpStore } from '../../../src/store/repository';
import { ConfigError } from '../../../src/lib/errors';
import { describePostgres, freshSchema } from '../../helpers/postgres';
import { silent } from '../../helpers/store';

/**
 * Upgrading a store written by the release before many incidents: its schema is built with that release's
 * migrations (0001-0007, unchanged since they shipped) and filled with one record of every kind it wrote, as it
 * wrote them; then this release opens it. Everything belongs to the upgrade's incident, and nothing is lost.
 */

const EARLIER = '0007_state_version';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the schema of the earlier release
type AnyDb = Kysely<any>;

async function migrateToEarlierRelease(db: AnyDb, seam: DialectSeam, upTo = EARLIER): Promise<void> {
  const all = migrations(seam);
  const earlier: Record<string, Migration> = {};
  for (const name of Object.keys(all).filter((n) => n <= upTo)) earlier[name] = all[name] as Migration;
  // On PostgreSQL, in the suite's own schema: Kysely would otherwise take another suite's migration tables for its own.
  const schema =
    seam.kind === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const { error } = await new Migrator({
    db,
    provider: { getMigrations: async () => earlier },
    ...(schema !== undefined && { migrationTableSchema: schema }),
  }).migrateToLatest();
  if (error) throw error;
}

const AT = '2024-09-12T17:00:00.000Z';
const who = { actor_id: 'U0ADMIN', actor_name: 'ada', at: AT };

/** One row of every kind the earlier release wrote, as it wrote them (each change with its audit row). */
async function fillAsEarlierRelease(db: AnyDb): Promise<void> {
  await db
    .insertInto('added_question')
    .values({
      question_id: 'Q5',
      text: 'Will there be a second summit?',
      ...who,
      source_channel: 'C0FOLLOW',
      source_ts: '1726160400.000100',
      source_url: 'https://example.slack.com/archives/C0FOLLOW/p1726160400000100',
      source_author: 'U0MEMBER',
    })
    .execute();
  await db
    .insertInto('question_change')
    .values({
      question_id: 'Q5',
      status: 'partial',
      answer: 'Not announced yet.',
      source_url: 'https://blogs.windows.com/a',
      note: null,
      superseded_by: null,
      ...who,
    })
    .execute();
  await db
    .insertInto('assignment')
    .values({ question_id: 'Q5', field: 'owner', value: 'U0MEMBER', ...who })
    .execute();
  await db
    .insertInto('follow_up_update')
    .values({
      expected_id: 'ms-after',
      text: 'Microsoft posted its summary.',
      url: 'https://blogs.windows.com/b',
      ...who,
    })
    .execute();
  for (const action of ['question.added', 'question.partial', 'question.owner', 'update.recorded'])
    await db.insertInto('audit').values({ at: AT, actor_id: 'U0ADMIN', action, subject: 'Q5', detail: '{}' }).execute();
  await db
    .insertInto('subscription')
    .values({
      target_kind: 'channel',
      target_id: 'C0FOLLOW',
      status: 'active',
      status_reason: null,
      created_by: 'U0ADMIN',
      created_at: AT,
      updated_at: AT,
    })
    .execute();
  await db
    .insertInto('delivery')
    .values({
      reminder_key: 'countdown:2024-09-03',
      target: 'channel:C0FOLLOW',
      status: 'sent',
      attempts: 1,
      lease_until: null,
      next_attempt_at: null,
      channel: 'C0FOLLOW',
      message_ts: '1725379200.000200',
      detail: null,
      updated_at: AT,
    })
    .execute();
  await db
    .insertInto('snooze')
    .values({
      series: 'countdown',
      target: 'channel:C0FOLLOW',
      until: '2024-09-13T16:00:00.000Z',
      actor_id: 'U0ADMIN',
      at: AT,
    })
    .execute();
  await db.insertInto('scheduler_state').values({ name: 'watermark', value: AT }).execute();
  await db
    .insertInto('feed_state')
    .values({
      feed_id: 'windows-experience',
      etag: '"abc"',
      last_modified: null,
      checked_at: AT,
      baseline_at: AT,
      last_error: null,
      failures: 0,
      next_poll_at: AT,
    })
    .execute();
  await db
    .insertInto('feed_item')
    .values({
      feed_id: 'windows-experience',
      item_key: 'guid-1',
      item_ref: 'r1',
      title: 'Taking steps',
      link: 'https://blogs.windows.com/c',
      published: AT,
      matched: '["resiliency"]',
      post: 1,
      seen_at: AT,
      held: 0,
      more_count: null,
    })
    .execute();
  await db
    .insertInto('feed_triage')
    .values({ item_ref: 'r1', action: 'update', detail: 'recorded', ...who })
    .execute();
  await db.insertInto('request_seen').values({ request_key: 'v0=abc', seen_at: AT }).execute();
}

/** What the upgraded store must still hold, all of it the upgrade incident's. */
async function expectEverythingKept(root: FollowUpStore): Promise<void> {
  const store = root.scoped('crowdstrike-2024');
  const state = await store.state();
  expect(state.questions.map((q) => [q.questionId, q.text, q.message?.ts])).toEqual([
    ['Q5', 'Will there be a second summit?', '1726160400.000100'],
  ]);
  expect(state.changes.map((c) => [c.questionId, c.status, c.answer])).toEqual([
    ['Q5', 'partial', 'Not announced yet.'],
  ]);
  expect(state.assignments.map((a) => [a.questionId, a.field, a.value])).toEqual([['Q5', 'owner', 'U0MEMBER']]);
  expect(state.updates.map((u) => [u.expectedId, u.text])).toEqual([['ms-after', 'Microsoft posted its summary.']]);
  expect((await store.auditLog()).map((a) => a.action)).toEqual([
    'question.added',
    'question.partial',
    'question.owner',
    'update.recorded',
  ]);
  expect((await store.reminders.subscriptions()).map((s) => [s.kind, s.id, s.status])).toEqual([
    ['channel', 'C0FOLLOW', 'active'],
  ]);
  expect((await store.reminders.deliveries()).map((d) => [d.reminderKey, d.target, d.status])).toEqual([
    ['countdown:2024-09-03', 'channel:C0FOLLOW', 'sent'],
  ]);
  // The delivery still counts: claiming the same reminder again is refused, so it is never posted twice.
  expect(await store.reminders.claim('countdown:2024-09-03', 'channel:C0FOLLOW', new Date(AT), 60_000)).toEqual({
    claimed: false,
  });
  expect([...(await store.reminders.snoozes()).keys()]).toEqual(['countdown channel:C0FOLLOW']);
  expect((await store.reminders.watermark())?.toISOString()).toBe(AT);
  expect((await store.feeds.states()).map((f) => [f.feedId, f.etag])).toEqual([['windows-experience', '"abc"']]);
  expect((await store.feeds.item('r1'))?.title).toBe('Taking steps');
  expect((await store.feeds.triage(['r1'])).map((t) => t.action)).toEqual(['update']);
  // A request seen before the upgrade is still a replay after it.
  expect(await root.claimRequest('v0=abc', new Date(AT))).toBe(false);
  // Another incident sees none of it.
  const other = root.scoped('cloud-outage-2026');
  expect((await other.state()).questions).toEqual([]);
  expect(await other.reminders.subscriptions()).toEqual([]);
  expect(await other.reminders.watermark()).toBeUndefined();
  // And a new record goes to its own incident, beside the old ones.
  await store.addQuestion(
    { text: 'A later question', actor: { id: 'U0ADMIN', name: 'ada' }, at: new Date(AT) },
    (taken) => (taken.includes('Q5') ? 'Q6' : 'Q5'),
  );
  await other.addQuestion(
    { text: 'Another incident', actor: { id: 'U0ADMIN', name: 'ada' }, at: new Date(AT) },
    () => 'Q5',
  );
  expect((await store.state()).questions.map((q) => q.questionId)).toEqual(['Q5', 'Q6']);
  expect((await other.state()).questions.map((q) => q.questionId)).toEqual(['Q5']);
}

describe('upgrading a SQLite store from before many incidents', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'summit-upgrade-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function earlierStore(file: string, upTo = EARLIER): Promise<void> {
    const db: AnyDb = new Kysely({ dialect: new SqliteDialect({ database: new SqliteDatabase(file) }) });
    await migrateToEarlierRelease(db, sqliteSeam, upTo);
    await fillAsEarlierRelease(db);
    await db.destroy();
  }

  test('every record of the earlier release belongs to the upgrade incident afterwards', async () => {
    const file = path.join(dir, 'summit.db');
    await earlierStore(file);
    const store = await openStore({ kind: 'sqlite', path: file }, silent, {
      migration: { legacyIncident: 'crowdstrike-2024', incidentIds: ['crowdstrike-2024', 'cloud-outage-2026'] },
    });
    try {
      await expectEverythingKept(store);
    } finally {
      await store.close();
    }
    // Opened again, nothing is migrated twice and nothing moves.
    const again = await openStore({ kind: 'sqlite', path: file }, silent, { migration: {} });
    try {
      expect((await again.scoped('crowdstrike-2024').state()).questions.map((q) => q.questionId)).toEqual(['Q5', 'Q6']);
    } finally {
      await again.close();
    }
  });

  test.each([EARLIER, '0006_feed_flood_bound'])(
    'with several data sets and none named, a store at %s stops the start saying what to set, and changes nothing',
    async (upTo) => {
      const file = path.join(dir, 'summit.db');
      await earlierStore(file, upTo);
      // As the earlier release left it: in WAL mode, which every release sets on opening.
      const wal = new SqliteDatabase(file);
      wal.pragma('journal_mode = WAL');
      wal.close();
      const before = createHash('sha256').update(readFileSync(file)).digest('hex');
      const opening = openStore({ kind: 'sqlite', path: file }, silent, {
        migration: { incidentIds: ['crowdstrike-2024', 'cloud-outage-2026'] },
      });
      await expect(opening).rejects.toThrow(ConfigError);
      await expect(opening).rejects.toThrow(/SUMMIT_UPGRADE_INCIDENT.*nothing was changed/s);
      await expect(opening).rejects.toThrow(/crowdstrike-2024, cloud-outage-2026/);
      // Byte for byte as it was: no migration before the refused one stays applied either.
      expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);
      // Nothing was changed: the earlier release's tables are as they were, and the upgrade then runs once named.
      const raw = new SqliteDatabase(file, { readonly: true });
      const applied = raw.prepare('select name from kysely_migration order by name').pluck().all();
      const columns = raw.prepare("select name from pragma_table_info('question_change')").pluck().all();
      raw.close();
      expect(applied).not.toContain('0008_incidents');
      expect(columns).not.toContain('incident_id');
      const store = await openStore({ kind: 'sqlite', path: file }, silent, {
        migration: { legacyIncident: 'crowdstrike-2024' },
      });
      try {
        await expectEverythingKept(store);
      } finally {
        await store.close();
      }
    },
  );

  test('an empty store from the earlier release upgrades with nothing to say', async () => {
    const file = path.join(dir, 'summit.db');
    const db: AnyDb = new Kysely({ dialect: new SqliteDialect({ database: new SqliteDatabase(file) }) });
    await migrateToEarlierRelease(db, sqliteSeam);
    await db.destroy();
    const store = await openStore({ kind: 'sqlite', path: file }, silent, {
      migration: { incidentIds: ['crowdstrike-2024', 'cloud-outage-2026'] },
    });
    try {
      expect((await store.scoped('crowdstrike-2024').state()).questions).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describePostgres('upgrading a PostgreSQL store from before many incidents', () => {
  test('every record of the earlier release belongs to the upgrade incident afterwards', async () => {
    const { url, drop } = await freshSchema();
    try {
      const pool = new Pool({ connectionString: url, max: 1 });
      const db: AnyDb = new Kysely({ dialect: new PostgresDialect({ pool }) });
      await migrateToEarlierRelease(db, postgresSeam);
      await fillAsEarlierRelease(db);
      const before = await sql<{ v: string }>`select v from state_version`.execute(db);
      await db.destroy();
      expect(Number(before.rows[0]?.v)).toBe(4);
      const store = await openStore({ kind: 'postgres', url }, silent, {
        migration: { legacyIncident: 'crowdstrike-2024', incidentIds: ['crowdstrike-2024', 'cloud-outage-2026'] },
      });
      try {
        await expectEverythingKept(store);
      } finally {
        await store.close();
      }
    } finally {
      await drop();
    }
  });
});
