import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { DialectSeam } from './dialect';

/**
 * Versioned migrations, applied in name order at start. Never edit one that has shipped: add the next.
 * Kysely records what ran in kysely_migration, so running them twice changes nothing.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration runs against the schema as it was then
type AnyDb = Kysely<any>;

export function migrations(seam: DialectSeam): Record<string, Migration> {
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
  };
}

export function migrationProvider(seam: DialectSeam): MigrationProvider {
  return { getMigrations: async () => migrations(seam) };
}
