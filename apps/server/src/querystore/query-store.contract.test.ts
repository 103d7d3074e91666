import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { startPostgresServer, type PostgresServer } from '@hdns/testkit';
import { TEST_DATABASE } from '../../test/storage-backends.js';
import { PostgresQueryStore } from './postgres-query-store.js';
import { queryStoreContract } from './query-store.contract.js';
import type { QueryStoreLimits } from './query-store.js';
import { SqliteQueryStore } from './sqlite-query-store.js';

/**
 * The contract on SQLite (default project) or on PostgreSQL (the `postgres` project sets
 * HDNS_TEST_DATABASE=postgres): a fresh file or database per store.
 */
const DEFAULTS: QueryStoreLimits = { retentionDays: 7, maxBytes: 1024 ** 3 };
const dirs: string[] = [];
let postgres: Promise<PostgresServer> | null = null;
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  if (postgres) await (await postgres).close();
});

queryStoreContract(TEST_DATABASE, async (limits) => {
  if (TEST_DATABASE === 'postgres') {
    postgres ??= startPostgresServer();
    const url = await (await postgres).createDatabase(`q_${randomUUID().replace(/-/g, '')}`);
    return new PostgresQueryStore({ ...DEFAULTS, ...limits, url });
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hdns-qstore-'));
  dirs.push(dir);
  return new SqliteQueryStore({ ...DEFAULTS, ...limits, file: path.join(dir, 'queries.db') });
});
