import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { DialectSeam } from './dialect';

/**
 * Versioned migrations, applied in name order at start. Never edit one that has shipped: add the next.
 * Kysely records what ran in kysely_migration, so running them twice changes nothing.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration runs against the schema as it was then
type AnyDb = Kysely<any>;

/** What the migrations are told at start: the incident that records from before incidents belong to. */
export interface MigrationOptions {
  /** Undefined when it cannot be said (several data sets, SUMMIT_UPGRADE_INCIDENT unset). */
  legacyIncident?: string;
  /** The ids to offer in the message when it cannot be said. */
  incidentIds?: readonly string[];
}

/** Tables that hold records of one incident and need a key with the incident in it: rebuilt by 0008. */
const REKEYED: readonly {
  table: string;
  columns: readonly string[];
  key: readonly string[];
  unique?: readonly string[][];
}[] = [
  {
    table: 'added_question',
    columns: [
      'question_id',
      'text',
      'actor_id',
      'actor_name',
      'at',
      'source_channel',
      'source_ts',
      'source_url',
      'source_author',
    ],
    key: ['incident_id', 'question_id'],
  },
  {
    table: 'subscription',
    columns: ['target_kind', 'target_id', 'status', 'status_reason', 'created_by', 'created_at', 'updated_at'],
    key: ['incident_id', 'target_kind', 'target_id'],
  },
  {
    table: 'delivery',
    columns: [
      'reminder_key',
      'target',
      'status',
      'attempts',
      'lease_until',
      'next_attempt_at',
      'channel',
      'message_ts',
      'detail',
      'updated_at',
    ],
    key: ['incident_id', 'reminder_key', 'target'],
  },
  {
    table: 'snooze',
    columns: ['series', 'target', 'until', 'actor_id', 'at'],
    key: ['incident_id', 'series', 'target'],
  },
  {
    table: 'feed_state',
    columns: [
      'feed_id',
      'etag',
      'last_modified',
      'checked_at',
      'baseline_at',
      'last_error',
      'failures',
      'next_poll_at',
    ],
    key: ['incident_id', 'feed_id'],
  },
  {
    table: 'feed_item',
    columns: [
      'feed_id',
      'item_key',
      'item_ref',
      'title',
      'link',
      'published',
      'matched',
      'post',
      'seen_at',
      'held',
      'more_count',
    ],
    key: ['incident_id', 'feed_id', 'item_key'],
    unique: [['incident_id', 'item_ref']],
  },
];

/** Tables that gain the incident as a plain column (their key is a generated id). */
const TAGGED = ['question_change', 'assignment', 'follow_up_update', 'audit', 'feed_triage'] as const;

export function migrations(seam: DialectSeam, options: MigrationOptions = {}): Record<string, Migration> {
  return {
    '0001_follow_up_state': {
      async up(db: AnyDb) {
        await seam
          .addIdColumn(db.schema.createTable('question_change'))
          .addColumn('question_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('answer', 'text')
          .addColumn('source_url', 'text')
          .addColumn('note', 'text')
          .addColumn('actor_id', 'text', (c) => c.notNull())
          .addColumn('actor_name', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('question_change_by_question')
          .on('question_change')
          .columns(['question_id', 'at'])
          .execute();

        await db.schema
          .createTable('added_question')
          .addColumn('question_id', 'text', (c) => c.primaryKey())
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('actor_id', 'text', (c) => c.notNull())
          .addColumn('actor_name', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();

        await seam
          .addIdColumn(db.schema.createTable('follow_up_update'))
          .addColumn('expected_id', 'text')
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('url', 'text')
          .addColumn('actor_id', 'text', (c) => c.notNull())
          .addColumn('actor_name', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();

        await seam
          .addIdColumn(db.schema.createTable('audit'))
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('actor_id', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('detail', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0002_reminders': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('subscription')
          .addColumn('target_kind', 'text', (c) => c.notNull())
          .addColumn('target_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('status_reason', 'text')
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('subscription_pk', ['target_kind', 'target_id'])
          .execute();
        await db.schema
          .createTable('delivery')
          .addColumn('reminder_key', 'text', (c) => c.notNull())
          .addColumn('target', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('lease_until', 'text')
          .addColumn('next_attempt_at', 'text')
          .addColumn('channel', 'text')
          .addColumn('message_ts', 'text')
          .addColumn('detail', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('delivery_pk', ['reminder_key', 'target'])
          .execute();
        await db.schema
          .createTable('snooze')
          .addColumn('series', 'text', (c) => c.notNull())
          .addColumn('target', 'text', (c) => c.notNull())
          .addColumn('until', 'text', (c) => c.notNull())
          .addColumn('actor_id', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('snooze_pk', ['series', 'target'])
          .execute();
        await db.schema
          .createTable('scheduler_state')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0003_request_seen': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('request_seen')
          .addColumn('request_key', 'text', (c) => c.primaryKey())
          .addColumn('seen_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('request_seen_by_time').on('request_seen').column('seen_at').execute();
      },
    },
    '0004_ownership': {
      async up(db: AnyDb) {
        await db.schema.alterTable('question_change').addColumn('superseded_by', 'text').execute();
        for (const column of ['source_channel', 'source_ts', 'source_url', 'source_author'])
          await db.schema.alterTable('added_question').addColumn(column, 'text').execute();
        // One question per Slack message: a second "Track as question" on it is refused by the key itself.
        await db.schema
          .createIndex('added_question_by_message')
          .unique()
          .on('added_question')
          .columns(['source_channel', 'source_ts'])
          .execute();
        await seam
          .addIdColumn(db.schema.createTable('assignment'))
          .addColumn('question_id', 'text', (c) => c.notNull())
          .addColumn('field', 'text', (c) => c.notNull())
          .addColumn('value', 'text')
          .addColumn('actor_id', 'text', (c) => c.notNull())
          .addColumn('actor_name', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0005_watch': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('feed_state')
          .addColumn('feed_id', 'text', (c) => c.primaryKey())
          .addColumn('etag', 'text')
          .addColumn('last_modified', 'text')
          .addColumn('checked_at', 'text')
          .addColumn('baseline_at', 'text')
          .addColumn('last_error', 'text')
          .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_poll_at', 'text')
          .execute();
        await db.schema
          .createTable('feed_item')
          .addColumn('feed_id', 'text', (c) => c.notNull())
          .addColumn('item_key', 'text', (c) => c.notNull())
          .addColumn('item_ref', 'text', (c) => c.notNull().unique())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('link', 'text')
          .addColumn('published', 'text')
          .addColumn('matched', 'text', (c) => c.notNull())
          .addColumn('post', 'integer', (c) => c.notNull())
          .addColumn('seen_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('feed_item_pk', ['feed_id', 'item_key'])
          .execute();
        await db.schema.createIndex('feed_item_by_time').on('feed_item').column('seen_at').execute();
        await seam
          .addIdColumn(db.schema.createTable('feed_triage'))
          .addColumn('item_ref', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('detail', 'text')
          .addColumn('actor_id', 'text', (c) => c.notNull())
          .addColumn('actor_name', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0006_feed_flood_bound': {
      async up(db: AnyDb) {
        // Items that matched but were held back by the bound on what one poll posts, and the one summary row per
        // such poll ("and N more new items"), which is delivered like an item.
        await db.schema
          .alterTable('feed_item')
          .addColumn('held', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.alterTable('feed_item').addColumn('more_count', 'integer').execute();
      },
    },
    '0007_state_version': {
      async up(db: AnyDb) {
        // One row counting audit rows as they are written, kept by a trigger in the writer's own transaction: the
        // state version PostgreSQL can read in one row, instead of counting the audit table on every request.
        await db.schema
          .createTable('state_version')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('v', 'bigint', (c) => c.notNull())
          .execute();
        await sql`insert into state_version (id, v) select 1, count(*) from audit`.execute(db);
        if (seam.kind === 'postgres') {
          await sql`create function summit_state_version_bump() returns trigger language plpgsql as $$
            begin update state_version set v = v + 1 where id = 1; return null; end $$`.execute(db);
          await sql`create trigger audit_bumps_state_version after insert on audit
            for each row execute function summit_state_version_bump()`.execute(db);
        } else {
          await sql`create trigger audit_bumps_state_version after insert on audit
            begin update state_version set v = v + 1 where id = 1; end`.execute(db);
        }
      },
    },
    '0008_incidents': {
      async up(db: AnyDb) {
        // Many incidents in one store: every record names its incident. What an earlier release recorded belongs to
        // the one incident it followed; which one that is must be said when several data sets are loaded.
        const legacy = options.legacyIncident;
        if (legacy === undefined && (await holdsRecords(db))) throw new UpgradeIncidentError(options.incidentIds ?? []);
        const value = sql.lit(legacy ?? '');
        for (const table of TAGGED) {
          await db.schema
            .alterTable(table)
            .addColumn('incident_id', 'text', (c) => c.notNull().defaultTo(value))
            .execute();
          await db.schema.createIndex(`${table}_by_incident`).on(table).columns(['incident_id', 'at']).execute();
        }
        for (const t of REKEYED) {
          // A new table with the incident in its key, the rows copied, the old one dropped (SQLite cannot change
          // a primary key in place; the same steps serve PostgreSQL).
          const next = `${t.table}_0008`;
          await createRekeyed(db, t, next);
          const cols = sql.join(t.columns.map((c) => sql.ref(c)));
          await sql`insert into ${sql.table(next)} (incident_id, ${cols}) select ${value}, ${cols} from ${sql.table(t.table)}`.execute(
            db,
          );
          await db.schema.dropTable(t.table).execute();
          await db.schema.alterTable(next).renameTo(t.table).execute();
        }
        await db.schema
          .createIndex('added_question_by_message')
          .unique()
          .on('added_question')
          .columns(['source_channel', 'source_ts'])
          .execute();
        await db.schema.createIndex('feed_item_by_time').on('feed_item').columns(['incident_id', 'seen_at']).execute();
        await db.schema.createIndex('delivery_by_key').on('delivery').columns(['reminder_key']).execute();
        // The scheduler's watermark is kept per incident from now on.
        if (legacy !== undefined)
          await db
            .updateTable('scheduler_state')
            .set({ name: `watermark:${legacy}` })
            .where('name', '=', 'watermark')
            .execute();
        await seam
          .addIdColumn(db.schema.createTable('channel_follow'))
          .addColumn('channel_id', 'text', (c) => c.notNull())
          .addColumn('incident_id', 'text')
          .addColumn('actor_id', 'text', (c) => c.notNull())
          .addColumn('actor_name', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
        // Each incident's own version: how many audit rows it has, kept by a trigger in the writer's transaction,
        // so a write to one incident leaves what was read of every other one current.
        await db.schema
          .createTable('incident_version')
          .addColumn('incident_id', 'text', (c) => c.primaryKey())
          .addColumn('v', 'bigint', (c) => c.notNull())
          .execute();
        await sql`insert into incident_version (incident_id, v) select incident_id, count(*) from audit group by incident_id`.execute(
          db,
        );
        if (seam.kind === 'postgres') {
          await sql`create function summit_incident_version_bump() returns trigger language plpgsql as $$
            begin
              insert into incident_version (incident_id, v) values (new.incident_id, 1)
                on conflict (incident_id) do update set v = incident_version.v + 1;
              return null;
            end $$`.execute(db);
          await sql`create trigger audit_bumps_incident_version after insert on audit
            for each row execute function summit_incident_version_bump()`.execute(db);
        } else {
          await sql`create trigger audit_bumps_incident_version after insert on audit
            begin
              insert into incident_version (incident_id, v) values (new.incident_id, 1)
                on conflict (incident_id) do update set v = v + 1;
            end`.execute(db);
        }
        await db.schema
          .createIndex('channel_follow_by_channel')
          .on('channel_follow')
          .columns(['channel_id', 'id'])
          .execute();
      },
    },
    '0009_page_links': {
      async up(db: AnyDb) {
        // When an incident's links to its page and calendar were revoked: every link given before is refused. A row
        // per revocation, who and when (the links themselves are not stored: their tokens are signed).
        await seam
          .addIdColumn(db.schema.createTable('link_revocation'))
          .addColumn('incident_id', 'text', (c) => c.notNull())
          .addColumn('revoked_at', 'text', (c) => c.notNull())
          .addColumn('actor_id', 'text', (c) => c.notNull())
          .addColumn('actor_name', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('link_revocation_by_incident')
          .on('link_revocation')
          .columns(['incident_id', 'revoked_at'])
          .execute();
      },
    },
    '0010_curation': {
      async up(db: AnyDb) {
        // Sources, facts, timeline entries and expected updates added, corrected and retracted in Slack: a row per
        // change, never updated, layered on the data set file in id order (incident/curate.ts).
        await seam
          .addIdColumn(db.schema.createTable('curation'))
          .addColumn('incident_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('item_id', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('entry', 'text')
          .addColumn('base', 'text')
          .addColumn('reason', 'text')
          .addColumn('actor_id', 'text', (c) => c.notNull())
          .addColumn('actor_name', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('curation_by_incident').on('curation').columns(['incident_id', 'id']).execute();
      },
    },
    '0011_started_incident': {
      async up(db: AnyDb) {
        // Incidents started in Slack (/summit new): one row each, its id the key, never updated; what is added to
        // one later is a curation like any incident's.
        await db.schema
          .createTable('started_incident')
          .addColumn('incident_id', 'text', (c) => c.primaryKey())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('summary', 'text', (c) => c.notNull())
          .addColumn('timezone', 'text', (c) => c.notNull())
          .addColumn('actor_id', 'text', (c) => c.notNull())
          .addColumn('actor_name', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0012_state_version_notify': {
      async up(db: AnyDb) {
        // PostgreSQL: the state-version trigger also notifies every listening replica of the new version, at
        // commit, so each knows it without polling (store/version-watch.ts). SQLite has data_version instead.
        if (seam.kind !== 'postgres') return;
        await sql`create or replace function summit_state_version_bump() returns trigger language plpgsql as $$
            declare nv bigint;
            begin
              update state_version set v = v + 1 where id = 1 returning v into nv;
              -- Several stores may share a database (one schema each): the payload names the schema.
              perform pg_notify('summit_state_version', current_schema() || ':' || nv::text);
              return null;
            end $$`.execute(db);
      },
    },
    '0013_notify_kind': {
      async up(db: AnyDb) {
        // PostgreSQL: the notification also says whether subscriptions or snoozes changed (r) or anything else
        // (s), so what /summit schedule reads of them is kept until they change (store/reminders.ts).
        if (seam.kind !== 'postgres') return;
        await sql`create or replace function summit_state_version_bump() returns trigger language plpgsql as $$
            declare nv bigint;
            begin
              update state_version set v = v + 1 where id = 1 returning v into nv;
              -- Several stores may share a database (one schema each): the payload names the schema.
              perform pg_notify('summit_state_version', current_schema() || ':' || nv::text || ':' ||
                case when new.action like 'subscription.%' or new.action = 'reminder.snoozed' then 'r' else 's' end);
              return null;
            end $$`.execute(db);
      },
    },
    '0014_held_command': {
      async up(db: AnyDb) {
        // A command typed where several incidents could be meant, held while its author chooses one from a menu: the
        // menu carries a reference to it (a select's value holds 150 characters; a command 4,000), so it runs
        // exactly as typed. Kept a day.
        await db.schema
          .createTable('held_command')
          .addColumn('ref', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('held_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('held_command_by_time').on('held_command').column('held_at').execute();
      },
    },
    '0015_delivery_posting': {
      async up(db: AnyDb) {
        // When a post of a delivery was begun: a claim taken over is looked up in the channel's history only when
        // its holder may have posted (most claims of a replica that died were never attempted).
        await db.schema.alterTable('delivery').addColumn('posting_at', 'text').execute();
        // Claims and retries of an earlier release may have been mid-post: they are looked up, as before.
        await db
          .updateTable('delivery')
          .set({ posting_at: sql.ref('updated_at') })
          .where('status', 'in', ['claimed', 'retry'])
          .execute();
      },
    },
    '0016_tracker': {
      async up(db: AnyDb) {
        // Questions as issues in a tracker (GitHub). One row per question that has, or is to have, an issue: the key
        // makes two issues for one question impossible. `begun_at` says a request to the tracker may have been made
        // and not recorded (a retry looks for the marker first); the cursors say which of the question's changes
        // and assignments were sent (or came from the tracker, and are never sent back).
        await db.schema
          .createTable('tracker_link')
          .addColumn('incident_id', 'text', (c) => c.notNull())
          .addColumn('question_id', 'text', (c) => c.notNull())
          .addColumn('repo', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('number', 'integer')
          .addColumn('url', 'text')
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('labels', 'text', (c) => c.notNull())
          .addColumn('actor_id', 'text', (c) => c.notNull())
          .addColumn('actor_name', 'text', (c) => c.notNull())
          .addColumn('requested_at', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_at', 'text', (c) => c.notNull())
          .addColumn('begun_at', 'text')
          .addColumn('last_error', 'text')
          .addColumn('change_cursor', 'integer', (c) => c.notNull())
          .addColumn('assignment_cursor', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('tracker_link_pk', ['incident_id', 'question_id'])
          .execute();
        await db.schema.createIndex('tracker_link_by_issue').on('tracker_link').columns(['repo', 'number']).execute();
        // Each webhook delivery applied once across replicas (its X-GitHub-Delivery id).
        await db.schema
          .createTable('tracker_delivery')
          .addColumn('delivery_id', 'text', (c) => c.primaryKey())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('received_at', 'text', (c) => c.notNull())
          .execute();
        // Polling: per repository, the listing's ETag and where the last poll stopped.
        await db.schema
          .createTable('tracker_poll')
          .addColumn('repo', 'text', (c) => c.primaryKey())
          .addColumn('etag', 'text')
          .addColumn('since', 'text')
          .addColumn('polled_at', 'text')
          .execute();
        // One replica at a time sends and polls: a lease, renewed while held.
        await db.schema
          .createTable('tracker_lease')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('holder', 'text', (c) => c.notNull())
          .addColumn('until', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0017_started_incident_github': {
      async up(db: AnyDb) {
        // The Start an incident form may name the GitHub repository its questions become issues in.
        await db.schema.alterTable('started_incident').addColumn('github_repo', 'text').execute();
      },
    },
  };
}

/** The table of 0008 with the incident first in its key, as the earlier release's columns were typed. */
async function createRekeyed(db: AnyDb, t: (typeof REKEYED)[number], name: string): Promise<void> {
  const integers = new Set(['attempts', 'failures', 'post', 'held', 'more_count']);
  const required = new Set([
    'question_id',
    'text',
    'actor_id',
    'actor_name',
    'at',
    'target_kind',
    'target_id',
    'status',
    'created_by',
    'created_at',
    'updated_at',
    'reminder_key',
    'target',
    'attempts',
    'series',
    'until',
    'feed_id',
    'failures',
    'item_key',
    'item_ref',
    'title',
    'matched',
    'post',
    'seen_at',
    'held',
  ]);
  const defaults: Record<string, number> = { attempts: 0, failures: 0, held: 0 };
  let builder = db.schema.createTable(name).addColumn('incident_id', 'text', (c) => c.notNull());
  for (const column of t.columns)
    builder = builder.addColumn(column, integers.has(column) ? 'integer' : 'text', (c) => {
      let col = required.has(column) ? c.notNull() : c;
      if (defaults[column] !== undefined) col = col.defaultTo(defaults[column]);
      return col;
    });
  builder = builder.addPrimaryKeyConstraint(`${name}_pk`, [...t.key] as never);
  for (const [i, u] of (t.unique ?? []).entries())
    builder = builder.addUniqueConstraint(`${name}_unique_${i}`, [...u] as never);
  await builder.execute();
}

/** Whether the store holds anything recorded (the tables an earlier release wrote). */
async function holdsRecords(db: AnyDb): Promise<boolean> {
  for (const table of [...TAGGED, ...REKEYED.map((t) => t.table)]) {
    const row = await sql<{ n: number }>`select 1 as n from ${sql.table(table)} limit 1`.execute(db);
    if (row.rows.length > 0) return true;
  }
  return false;
}

/** A store from before incidents, opened with several data sets and no SUMMIT_UPGRADE_INCIDENT. */
export class UpgradeIncidentError extends Error {
  constructor(readonly ids: readonly string[]) {
    super(
      `it holds records from before summit-bot followed several incidents, and ${ids.length} data sets are loaded (${ids.join(', ')}). Set SUMMIT_UPGRADE_INCIDENT to the id of the incident those records belong to, and start again; nothing was changed.`,
    );
    this.name = 'UpgradeIncidentError';
  }
}

export function migrationProvider(seam: DialectSeam, options: MigrationOptions = {}): MigrationProvider {
  return { getMigrations: async () => migrations(seam, options) };
}
