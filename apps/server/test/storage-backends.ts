/**
 * The storage contract runs on both engines: a suite wrapped in `describeStorage` runs once on
 * SQLite (a file in a temp dir) and once on PostgreSQL (a real server started for the suite,
 * a fresh database per `open()`), with the same tests and the same expectations.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe } from 'vitest';
import { startPostgresServer, type PostgresServer } from '@hdns/testkit';
import { openDatabase, openPostgres, runMigrations, type Db } from '../src/storage/db.js';

export type StorageBackend = 'sqlite' | 'postgres';
export const STORAGE_BACKENDS: readonly StorageBackend[] = ['sqlite', 'postgres'];

export interface OpenOptions {
  /** Run the migrations before returning (default true). */
  migrate?: boolean;
}

/** Opens fresh databases on one backend; `close()` destroys them all and stops the server. */
export function storageOpener(backend: StorageBackend): {
  open(options?: OpenOptions): Promise<Db>;
  close(): Promise<void>;
} {
  const opened: Db[] = [];
  const dirs: string[] = [];
  let postgres: Promise<PostgresServer> | null = null;
  return {
    async open(options = {}) {
      let db: Db;
      if (backend === 'postgres') {
        postgres ??= startPostgresServer();
        const server = await postgres;
        // No pool timers (idle, connect): tests that count timers (fake timers) see only those
        // of the code under test.
        const url = await server.createDatabase(`t_${randomUUID().replace(/-/g, '')}`);
        db = openPostgres(url, { idleTimeoutMs: 0, connectTimeoutMs: 0 });
      } else {
        const dir = await mkdtemp(path.join(os.tmpdir(), 'hdns-store-'));
        dirs.push(dir);
        db = openDatabase(dir);
      }
      opened.push(db);
      if (options.migrate !== false) await runMigrations(db);
      return db;
    },
    async close() {
      for (const db of opened.splice(0)) await db.destroy();
      for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
      if (postgres) await (await postgres).close();
      postgres = null;
    },
  };
}

/** `body` once per backend, inside `describe('<backend>: <title>')`. */
export function describeStorage(
  title: string,
  body: (open: (options?: OpenOptions) => Promise<Db>, backend: StorageBackend) => void,
): void {
  for (const backend of STORAGE_BACKENDS) {
    describe(`${backend}: ${title}`, () => {
      const opener = storageOpener(backend);
      afterAll(() => opener.close());
      body((options) => opener.open(options), backend);
    });
  }
}

/**
 * Whole-app suites on PostgreSQL: with `HDNS_TEST_DATABASE=postgres` (the `postgres` vitest
 * project sets it), `startTestServer` gives each data dir its own database on one PostgreSQL
 * server per test file; a server restarted over the same data dir finds the same database.
 */
export const TEST_DATABASE: StorageBackend =
  process.env.HDNS_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

let sharedPostgres: Promise<PostgresServer> | null = null;
const databaseOfDir = new Map<string, string>();

afterAll(async () => {
  if (sharedPostgres) await (await sharedPostgres).close();
  sharedPostgres = null;
  databaseOfDir.clear();
});

/** The settings that put a test server's app database on the test backend. */
export async function testDatabaseEnv(dataDir: string): Promise<Record<string, string>> {
  if (TEST_DATABASE !== 'postgres') return {};
  let url = databaseOfDir.get(dataDir);
  if (url === undefined) {
    sharedPostgres ??= startPostgresServer();
    const server = await sharedPostgres;
    url = await server.createDatabase(`t_${randomUUID().replace(/-/g, '')}`);
    databaseOfDir.set(dataDir, url);
  }
  return { HDNS_DATABASE_URL: url };
}

/** The app database a test server over `dataDir` uses, opened directly (to seed or inspect it). */
export async function openTestDatabaseFor(dataDir: string): Promise<Db> {
  const env = await testDatabaseEnv(dataDir);
  return env.HDNS_DATABASE_URL ? openPostgres(env.HDNS_DATABASE_URL) : openDatabase(dataDir);
}

/** Inserts a bare primary zone row named `name` (a change for storage tests to commit). */
export function insertTestZone(trx: Db, name: string): Promise<unknown> {
  const now = '2026-01-01T00:00:00.000Z';
  return trx
    .insertInto('zones')
    .values({
      id: name,
      name,
      type: 'primary',
      serial: 1,
      default_ttl: 3600,
      soa: null,
      forwarders: '[]',
      forward_policy: null,
      description: null,
      version: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
}
