import type { ColumnDefinitionBuilder, CreateTableBuilder } from 'kysely';

/**
 * What differs between the dialects, and nothing else: how an auto-increment key is declared and how a
 * unique-key violation is recognised. Everything else (queries, migrations) is shared Kysely code.
 */
export interface DialectSeam {
  kind: 'sqlite' | 'postgres';
  /** Adds an auto-increment integer primary key named `id`. */
  addIdColumn<T extends string>(table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'>;
  isUniqueViolation(error: unknown): boolean;
}

export const sqliteSeam: DialectSeam = {
  kind: 'sqlite',
  addIdColumn: (t) => t.addColumn('id', 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement()),
  isUniqueViolation: (e) =>
    typeof e === 'object' && e !== null && String((e as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT'),
};

export const postgresSeam: DialectSeam = {
  kind: 'postgres',
  addIdColumn: (t) => t.addColumn('id', 'serial', (c: ColumnDefinitionBuilder) => c.primaryKey()),
  isUniqueViolation: (e) => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505',
};
