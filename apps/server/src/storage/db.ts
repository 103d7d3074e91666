import path from 'node:path';
import { SqliteDriver } from '@hdns/hub';
import { Kysely, Migrator, sql } from 'kysely';
import { migrationProvider } from './migrations/index.js';
import { ensurePrivateDir, ensurePrivateFile, tightenSqliteFiles } from './private-files.js';
import type { Database } from './schema.js';
import { postgresDialect, type PostgresDialectOptions } from './postgres-dialect.js';
import { appSqliteDialect } from './sqlite-dialect.js';

export const DATABASE_FILE = 'hdns.sqlite';

export type Db = Kysely<Database>;

export interface OpenDatabaseOptions {
  /** Milliseconds a writer waits for a lock held by another connection or process. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) `<dataDir>/hdns.sqlite` with WAL, foreign keys and a busy timeout.
 * The caller owns the handle and must `destroy()` it.
 */
export function openDatabase(dataDir: string, opts: OpenDatabaseOptions = {}): Db {
  ensurePrivateDir(dataDir);
  const file = path.join(dataDir, DATABASE_FILE);
  // It holds password hashes: owner only, from the first byte. SQLite gives the -wal/-shm files
  // it creates the database file's mode; ones left by an older install are tightened, before
  // the open (which reuses them) and after it.
  ensurePrivateFile(file);
  tightenSqliteFiles(file);
  const sqlite = new SqliteDriver(file);
  sqlite.pragma('journal_mode = WAL');
  tightenSqliteFiles(file);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`);
  sqlite.pragma('synchronous = NORMAL');
  return new Kysely<Database>({ dialect: appSqliteDialect(sqlite) });
}

/**
 * Opens the app database on PostgreSQL (`HDNS_DATABASE_URL`). Same schema, migrations and
 * queries as SQLite; the caller owns the handle and must `destroy()` it (ends the pool).
 */
export function openPostgres(url: string, opts: PostgresDialectOptions = {}): Db {
  return new Kysely<Database>({ dialect: postgresDialect(url, opts) });
}

/** Applies pending migrations; throws naming the migration that failed. */
export async function runMigrations(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((r) => r.status === 'Error');
  if (error !== undefined || failed) {
    const name = failed?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${name} failed`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Cheap liveness probe of the database, for /readyz. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
