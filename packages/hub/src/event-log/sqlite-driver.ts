import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * The better-sqlite3 constructor for the running Node, the one place that loads it (the event
 * log, the app's storage and the bench all open SQLite through this).
 *
 * - Node 20: better-sqlite3 12 (built at install). Version 13 refuses Node 20 and its prebuilt
 *   binary crashes there.
 * - Node ≥ 22: better-sqlite3 13 (`better-sqlite3-13`, an npm alias; it ships prebuilt N-API
 *   binaries, so nothing is compiled). Version 12 aborts the process on Node 24.19+ when V8
 *   collects a prepared statement (`Assertion failed: (env) != nullptr` in
 *   `RemoveEnvironmentCleanupHook`, fixed upstream in 13).
 *
 * Both have the same API, so the types of 12 describe either.
 */
export type SqliteDatabase = BetterSqlite3.Database;
export type SqliteStatement = BetterSqlite3.Statement;
export type SqliteConstructor = typeof BetterSqlite3;

/** The better-sqlite3 package used on Node `major`. */
export function sqlitePackageFor(major: number): 'better-sqlite3' | 'better-sqlite3-13' {
  return major >= 22 ? 'better-sqlite3-13' : 'better-sqlite3';
}

const nodeMajor = Number(process.versions.node.split('.')[0]);

export const SqliteDriver = createRequire(import.meta.url)(
  sqlitePackageFor(nodeMajor),
) as SqliteConstructor;
