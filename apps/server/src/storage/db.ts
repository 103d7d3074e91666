import { chmodSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { SqliteDriver } from '@hdns/hub';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

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
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, DATABASE_FILE);
  const sqlite = new SqliteDriver(file);
  // It holds password hashes: owner only. SQLite gives the -wal/-shm files the same mode.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`);
  sqlite.pragma('synchronous = NORMAL');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
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
