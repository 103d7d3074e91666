import { PostgresAdapter, type Kysely } from 'kysely';

export type DatabaseDialect = 'sqlite' | 'postgres';

/** Which engine a handle talks to, for the few statements spelled differently (JSON, DDL). */
export function dialectOf<DB>(db: Kysely<DB>): DatabaseDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
