import type { ColumnDataType, Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

/**
 * Column types spelled per engine, so one migration serves SQLite and PostgreSQL. SQLite
 * migrations keep the exact DDL they were released with (`integer`: SQLite integers are 64-bit);
 * PostgreSQL needs `bigint` where values may pass 2^31 (event seqs, zone serials, audit ids),
 * since its `integer` is 32-bit.
 */
export function bigint(db: Kysely<unknown>): ColumnDataType {
  return dialectOf(db) === 'postgres' ? 'bigint' : 'integer';
}

/** An auto-incrementing primary key: AUTOINCREMENT in SQLite, an identity column in PostgreSQL. */
export function autoIncrementKey(db: Kysely<unknown>) {
  const postgres = dialectOf(db) === 'postgres';
  return {
    type: (postgres ? 'bigint' : 'integer') as ColumnDataType,
    build: <C extends { primaryKey(): C; autoIncrement(): C; generatedByDefaultAsIdentity(): C }>(
      c: C,
    ): C =>
      postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
  };
}
