import { Client } from 'pg';
import { openStore } from '../../src/store/open';
import type { FollowUpStore } from '../../src/store/repository';
import { silent } from './store';

/** Where the PostgreSQL suites run: set TEST_DATABASE_URL (postgres://postgres@127.0.0.1:5432/test). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/** describe, or describe.skip when no PostgreSQL is configured. */
export const describePostgres = TEST_DATABASE_URL ? describe : describe.skip;

/** A schema of its own for one suite, so runs never see each other. Returns its URL and how to drop it. */
export async function freshSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `summit_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

export async function postgresStore(url: string, incidentId = 'crowdstrike-2024'): Promise<FollowUpStore> {
  return (await openStore({ kind: 'postgres', url }, silent)).scoped(incidentId);
}
