import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type SqliteDatabase as KyselySqliteDatabase,
  type SqliteStatement,
} from 'kysely';
import { Pool } from 'pg';
import type { Logger } from 'pino';
import { ConfigError, StoreFailedError, StoreUnavailableError } from '../lib/errors';
import type { DatabaseSettings } from '../settings';
import { postgresSeam, sqliteSeam, type DialectSeam } from './dialect';
import { migrationProvider, migrations, UpgradeIncidentError, type MigrationOptions } from './migrations';
import { FollowUpStore } from './repository';
import type { Database } from './schema';
import { VersionWatch } from './version-watch';

/** How long a writer waits for another process's lock on the same SQLite file before giving up. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens the store named by DATABASE_URL, runs the migrations, and returns the repository. Anything that stops
 * it from opening safely (an unwritable folder, a file that is not a database, a schema newer than this code)
 * is a ConfigError (exit 2) naming the file and the fix; the file is never overwritten.
 */
export async function openStore(
  settings: DatabaseSettings,
  log: Logger,
  options: { connectMs?: number; copy?: boolean; migration?: MigrationOptions } = {},
): Promise<FollowUpStore> {
  const migration = options.migration ?? {};
  if (options.copy) return openCopy(settings, log, options.connectMs ?? 0, migration);
  if (settings.kind === 'postgres') return openPostgres(settings.url, log, options.connectMs ?? 0, migration);
  const raw = openSqlite(settings.path, settings.isDefault === true);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: preparedOnce(raw) }) });
  await prepare(db, sqliteSeam, describeSqlite(settings.path), log, migration);
  const others = otherCommits(raw);
  const store = new FollowUpStore(db, sqliteSeam, others);
  store.remindersCountedBy(others);
  return guarded(store);
}

/**
 * Errors that mean "the database is not answering" (an outage the bot lives through), as opposed to an operation
 * that failed on a database that answered (a constraint, a bug). Node's socket errors, PostgreSQL's connection and
 * shutdown classes (08xxx, 57P01-57P03, 53xxx), pg's own connection messages, and SQLite's busy, I/O and closed
 * states.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const UNREACHABLE_MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|connection error|cannot use a pool after calling end|connection is not open|driver has already been destroyed|not queryable/i;

export function isUnreachable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = String((error as { code?: unknown }).code ?? '');
  if (NETWORK_CODES.has(code)) return true;
  if (/^(08|53|57P0[123])/.test(code)) return true;
  if (/^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|PROTOCOL|NOTADB|CORRUPT)/.test(code)) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && UNREACHABLE_MESSAGES.test(message);
}

/** A short, stable description of a failed store operation for the log and metrics (never user text). */
function failureCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(code)) return code;
  return error instanceof Error ? error.name : 'unknown';
}

/**
 * The store as the rest of the bot sees it: a database that stops answering surfaces as a StoreUnavailableError,
 * which the commands and the scheduler know how to live with until the database is back; any other failure as a
 * StoreFailedError (the transaction rolled back, so nothing changed).
 */
function guarded(store: FollowUpStore): FollowUpStore {
  // Each object is wrapped once: an incident's view of the store (scoped) is asked for on every request.
  const wrapped = new WeakMap<object, object>();
  const wrap = <T extends object>(target: T): T => {
    const known = wrapped.get(target);
    if (known) return known as T;
    const proxy = proxyOf(target);
    wrapped.set(target, proxy);
    return proxy;
  };
  const translate = (e: unknown): never => {
    if (e instanceof StoreUnavailableError || e instanceof StoreFailedError) throw e;
    throw isUnreachable(e)
      ? new StoreUnavailableError({ cause: e })
      : new StoreFailedError(failureCode(e), { cause: e });
  };
  const proxyOf = <T extends object>(target: T): T => {
    // One guarded function per method, made on first use: the store is asked several times on every request.
    const methods = new Map<PropertyKey, unknown>();
    return new Proxy(target, {
      get(obj, prop, receiver) {
        const known = methods.get(prop);
        if (known !== undefined) return known;
        const value = Reflect.get(obj, prop, receiver) as unknown;
        if (prop === 'reminders' || prop === 'feeds') return wrap(value as object);
        if (prop === 'scoped') return (id: string) => wrap((value as (id: string) => object).call(obj, id));
        if (typeof value !== 'function' || prop === 'close' || prop === 'ping' || prop === 'constructor') return value;
        const method = (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
          // Synchronous answers (stateVersionNow) pass as they are; their callers handle a throw.
          if (!(result instanceof Promise)) return result;
          return result.catch(translate);
        };
        methods.set(prop, method);
        return method;
      },
    });
  };
  return wrap(store);
}

/** Connections each replica keeps to PostgreSQL. */
const PG_POOL_SIZE = 10;

async function openPostgres(
  url: string,
  log: Logger,
  connectMs: number,
  migration: MigrationOptions,
): Promise<FollowUpStore> {
  const where = `the PostgreSQL store at ${redactUrl(url)}`;
  const pool = new Pool({
    connectionString: url,
    max: PG_POOL_SIZE,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  // A connection that drops must never crash the process. pg emits 'error' on the client itself when the socket
  // fails, also while a query holds it (the query rejects too), so every client gets a listener of its own.
  const lost = (error: Error) =>
    log.warn({ err: error }, 'PostgreSQL connection lost; it will be reopened when needed');
  pool.on('error', lost);
  pool.on('connect', (client) => client.on('error', lost));
  try {
    await connectWithin(pool, connectMs, where, log);
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new ConfigError(
      'store_unavailable',
      `Cannot connect to ${where}: ${(e as Error).message}. Check DATABASE_URL and that the server is running.`,
      { cause: e },
    );
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await prepare(db, postgresSeam, where, log, migration);
  // The state version pushed by every replica's commits (migration 0012), read per request while it is down.
  const watch = new VersionWatch(url, log);
  await watch.start();
  const store = new FollowUpStore(db, postgresSeam, () => watch.now());
  store.closing(() => watch.close());
  store.countsTo((count) => watch.advance(count));
  store.remindersCountedBy(() => watch.remindersNow());
  return guarded(store);
}

/**
 * Start-up through a database outage: tries the first connection until it works or `ms` has passed, waiting a
 * little longer after each failure (0.5 s doubling to 5 s) and saying so once per attempt. Errors that will not go
 * away by waiting (a wrong password, a database that does not exist) end it at once.
 */
async function connectWithin(pool: Pool, ms: number, where: string, log: Logger): Promise<void> {
  const until = Date.now() + ms;
  for (let attempt = 1, wait = 500; ; attempt++, wait = Math.min(wait * 2, 5000)) {
    try {
      await pool.query('select 1');
      if (attempt > 1) log.info({ attempt }, `connected to ${where}`);
      return;
    } catch (e) {
      const left = until - Date.now();
      if (!isUnreachable(e) || left <= 0) throw e;
      const pause = Math.min(wait, left);
      log.warn(
        { attempt, retryInMs: pause, error: (e as Error).message },
        `${where} does not answer yet; retrying (DATABASE_CONNECT_SECONDS bounds the wait)`,
      );
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** A database URL fit for a log line or an error: no password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

function describeSqlite(file: string): string {
  return file === ':memory:' ? 'the in-memory SQLite store' : `the SQLite store ${file}`;
}

function openSqlite(file: string, isDefault: boolean): SqliteDatabase.Database {
  const where = describeSqlite(file);
  const fix = 'Set DATABASE_URL=sqlite:<a writable path>, or fix the folder permissions.';
  // Only the default data/ folder is made; a path someone wrote must name a folder that exists, so a typo in
  // DATABASE_URL never creates folders elsewhere.
  if (file !== ':memory:' && !isDefault && !existsSync(path.dirname(path.resolve(file)))) {
    throw new ConfigError(
      'store_unavailable',
      `The folder of ${where} (${path.dirname(path.resolve(file))}) does not exist. Create it, or fix DATABASE_URL (sqlite:<path to a file in an existing folder>).`,
    );
  }
  if (file !== ':memory:' && isDefault) {
    try {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    } catch (e) {
      throw new ConfigError(
        'store_unavailable',
        `Cannot create the folder for ${where}: ${(e as Error).message}. ${fix}`,
        { cause: e },
      );
    }
  }
  let raw: SqliteDatabase.Database;
  try {
    raw = new SqliteDatabase(file);
  } catch (e) {
    throw new ConfigError('store_unavailable', `Cannot open ${where}: ${(e as Error).message}. ${fix}`, { cause: e });
  }
  try {
    // Reading the schema first fails on a file that is not a database, before anything could write to it.
    raw.prepare('select count(*) from sqlite_master').get();
    raw.pragma('journal_mode = WAL');
    raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  } catch (e) {
    raw.close();
    const notDb = (e as { code?: string }).code === 'SQLITE_NOTADB';
    throw new ConfigError(
      'store_unavailable',
      notDb
        ? `${where} is not a SQLite database. It was left untouched: move it away, or set DATABASE_URL=sqlite:<another path>.`
        : `Cannot use ${where}: ${(e as Error).message}. ${fix}`,
      { cause: e },
    );
  }
  return raw;
}

/** At most this many prepared statements are kept (the bot's queries are a few dozen texts; emptied when full). */
const STATEMENTS_MAX = 500;

/**
 * The database as Kysely sees it, each SQL text prepared once: Kysely's SQLite driver prepares every query it runs,
 * and preparing was 2-3 % of the bot's time in the mixed bench. A better-sqlite3 statement runs synchronously to
 * its end (all, run), so one statement serves every query of its text; nothing here streams rows (iterate).
 */
function preparedOnce(raw: SqliteDatabase.Database): KyselySqliteDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => raw.close(),
    prepare: (text: string) => {
      let statement = statements.get(text);
      if (!statement) {
        if (statements.size >= STATEMENTS_MAX) statements.clear();
        statement = raw.prepare(text);
        statements.set(text, statement);
      }
      return statement as unknown as SqliteStatement;
    },
  };
}

/** How long SQLite's count of other connections' commits is taken as current. */
const SQLITE_VERSION_FRESH_MS = 5;

/**
 * SQLite's count of commits made by other connections (`pragma data_version`), read at most once every
 * SQLITE_VERSION_FRESH_MS: it is asked on every request (the state version), and read once a millisecond the pragma
 * was still 2-3 % of the bot's time in the mixed bench. This process's own commits are counted apart, at once
 * (FollowUpStore.ownWrites); another process's commit (a second process on the same file) is seen within 5 ms.
 */
function otherCommits(raw: SqliteDatabase.Database): () => number {
  const pragma = raw.prepare('pragma data_version').pluck();
  let readAt = -Infinity;
  let value = 0;
  return () => {
    const now = performance.now();
    if (now - readAt >= SQLITE_VERSION_FRESH_MS) {
      value = Number(pragma.get());
      readAt = now;
    }
    return value;
  };
}

/** Refuses a schema newer than this code, then runs the migrations this code has and the database lacks. */
export async function prepare(
  db: Kysely<Database>,
  seam: DialectSeam,
  where: string,
  log: Logger,
  options: MigrationOptions = {},
): Promise<void> {
  const known = new Set(Object.keys(migrations(seam)));
  const applied = await appliedMigrations(db);
  const unknown = applied.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    await db.destroy();
    throw new ConfigError(
      'store_unavailable',
      `${where} has a newer schema (${unknown.join(', ')}) than this version of summit-bot knows. Run the newer version, or point DATABASE_URL at another database; nothing was changed.`,
    );
  }
  // On PostgreSQL, Kysely looks for its migration tables in every schema unless told which: another schema of the
  // same database holding them (another deployment, another app) would make it skip creating ours and fail.
  const migrationTableSchema = seam.kind === 'postgres' ? await currentSchema(db) : undefined;
  const migrator = new Migrator({
    db,
    provider: migrationProvider(seam, options),
    ...(migrationTableSchema !== undefined && { migrationTableSchema }),
  });
  // All the migrations a start runs are one transaction: a start that stops on any of them (a refused upgrade, a
  // failure) leaves the store as it was. Kysely wraps them in one on PostgreSQL; on SQLite (whose DDL is
  // transactional too, though Kysely does not use it) the transaction is begun here.
  const sqliteTx = seam.kind === 'sqlite';
  if (sqliteTx) await sql`begin immediate`.execute(db);
  let outcome: Awaited<ReturnType<Migrator['migrateToLatest']>>;
  try {
    outcome = await migrator.migrateToLatest();
  } catch (e) {
    outcome = { error: e };
  }
  if (sqliteTx) await sql.raw(outcome.error ? 'rollback' : 'commit').execute(db);
  const { error, results } = outcome;
  if (error) {
    await db.destroy();
    if (error instanceof UpgradeIncidentError)
      throw new ConfigError('settings_invalid', `${where}: ${error.message}`, { cause: error });
    throw new ConfigError('store_unavailable', `Migrating ${where} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  for (const r of results ?? []) log.info({ migration: r.migrationName, status: r.status }, 'migration');
}

/** The schema unqualified names resolve to on PostgreSQL (the first of search_path that exists). */
async function currentSchema(db: Kysely<Database>): Promise<string | undefined> {
  const rows = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return rows.rows[0]?.schema ?? undefined;
}

/** Names of the migrations already run; none when the migration table does not exist yet (a new database). */
async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  try {
    const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    return rows.rows.map((r) => r.name);
  } catch {
    return [];
  }
}

/**
 * A private copy of the store named by `settings`, taken once, in memory: a run at another moment (--at, SUMMIT_NOW),
 * `npm run preview` and such work on it, so nothing they do (claims, deliveries, feed checks, subscriptions, asks)
 * is ever read back by a run at the real time. The store itself is only read: a SQLite file is opened read-only and
 * serialised (a missing file is an empty store, and is not created); a PostgreSQL store is copied table by table
 * without running its migrations. The copy is migrated to this code's schema and then behaves like any store.
 */
async function openCopy(
  settings: DatabaseSettings,
  log: Logger,
  connectMs: number,
  migration: MigrationOptions,
): Promise<FollowUpStore> {
  let raw: SqliteDatabase.Database;
  if (settings.kind === 'sqlite' && settings.path !== ':memory:' && existsSync(settings.path)) {
    const where = describeSqlite(settings.path);
    let image: Buffer;
    try {
      const source = new SqliteDatabase(settings.path, { readonly: true, fileMustExist: true });
      try {
        image = source.serialize();
      } finally {
        source.close();
      }
    } catch (e) {
      const notDb = (e as { code?: string }).code === 'SQLITE_NOTADB';
      throw new ConfigError(
        'store_unavailable',
        notDb
          ? `${where} is not a SQLite database. It was left untouched: move it away, or set DATABASE_URL=sqlite:<another path>.`
          : `Cannot read ${where}: ${(e as Error).message}.`,
        { cause: e },
      );
    }
    // Bytes 18 and 19 of the header say "WAL"; an image in memory has no WAL file, so it is marked as a plain
    // rollback-journal database, which SQLite can then open and write.
    image[18] = 1;
    image[19] = 1;
    raw = new SqliteDatabase(image);
  } else {
    raw = new SqliteDatabase(':memory:');
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  if (settings.kind === 'postgres') {
    await prepare(db, sqliteSeam, 'the in-memory copy', log, migration);
    await copyFromPostgres(settings.url, db, log, connectMs);
  } else {
    await prepare(db, sqliteSeam, `the copy of ${describeSqlite(settings.path)}`, log, migration);
  }
  return guarded(new FollowUpStore(db, sqliteSeam, otherCommits(raw)));
}

/** Rows per insert when copying: well under SQLite's limit on bound variables for any of the tables. */
const COPY_BATCH = 200;

/** Copies every table of a PostgreSQL store into `into` (already migrated), reading only. */
async function copyFromPostgres(url: string, into: Kysely<Database>, log: Logger, connectMs: number): Promise<void> {
  const where = `the PostgreSQL store at ${redactUrl(url)}`;
  const pool = new Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 5000 });
  pool.on('error', (error) => log.warn({ err: error }, 'PostgreSQL connection lost while copying'));
  const source = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    try {
      await connectWithin(pool, connectMs, where, log);
    } catch (e) {
      throw new ConfigError(
        'store_unavailable',
        `Cannot connect to ${where}: ${(e as Error).message}. Check DATABASE_URL and that the server is running.`,
        { cause: e },
      );
    }
    const known = new Set(Object.keys(migrations(postgresSeam)));
    const applied = await appliedMigrations(source);
    const unknown = applied.filter((name) => !known.has(name));
    if (unknown.length > 0)
      throw new ConfigError(
        'store_unavailable',
        `${where} has a newer schema (${unknown.join(', ')}) than this version of summit-bot knows. Run the newer version, or point DATABASE_URL at another database; nothing was changed.`,
      );
    const tables = await sql<{ name: string }>`
      select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'
        and name not in ('state_version', 'incident_version')
    `.execute(into);
    for (const { name } of tables.rows) {
      let rows: Record<string, unknown>[];
      try {
        rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(source)).rows;
      } catch (e) {
        // A store written by an older release lacks the newer tables: they start empty, as a migration would.
        if ((e as { code?: string }).code === '42P01') continue;
        throw e;
      }
      for (let i = 0; i < rows.length; i += COPY_BATCH)
        await into
          .insertInto(name as keyof Database)
          .values(rows.slice(i, i + COPY_BATCH) as never)
          .execute();
    }
  } finally {
    await source.destroy();
  }
}
