import { Client } from 'pg';
import { describePostgres, freshSchema, postgresStore, TEST_DATABASE_URL } from '../../helpers/postgres';
import { ADMIN } from '../../helpers/store';

/**
 * One PostgreSQL database, several schemas: another deployment of the bot, or another app built on Kysely, keeps
 * its own migration tables in a schema of its own. The store's migrations must use the tables of its own schema
 * (the first of its search_path), never take the other schema's for its own.
 */
describePostgres('a PostgreSQL database shared with another schema that has Kysely migration tables', () => {
  test('a new store in its own schema migrates and works, and the other schema is left as it was', async () => {
    const other = `summit_other_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const { url, drop } = await freshSchema();
    try {
      await admin.query(`create schema ${other}`);
      await admin.query(
        `create table ${other}.kysely_migration (name varchar(255) primary key, timestamp varchar(255))`,
      );
      await admin.query(`create table ${other}.kysely_migration_lock (id varchar(255) primary key, is_locked integer)`);
      const store = await postgresStore(url);
      try {
        await store.addQuestion({ text: 'Is it shared?', actor: ADMIN, at: new Date('2025-01-01') }, () => 'Q9');
        expect((await store.state()).questions.map((q) => q.text)).toEqual(['Is it shared?']);
      } finally {
        await store.close();
      }
      const rows = await admin.query(`select count(*)::int as n from ${other}.kysely_migration`);
      expect(rows.rows[0]).toEqual({ n: 0 });
    } finally {
      await admin.query(`drop schema if exists ${other} cascade`);
      await admin.end();
      await drop();
    }
  });
});
