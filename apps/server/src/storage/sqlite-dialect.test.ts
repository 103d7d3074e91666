import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SqliteDriver } from '@hdns/hub';
import { Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appSqliteDialect } from './sqlite-dialect.js';

let dir: string;
let db: Kysely<{ t: { v: number } }>;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hdns-dialect-'));
  db = new Kysely({ dialect: appSqliteDialect(new SqliteDriver(path.join(dir, 'x.sqlite'))) });
  await sql`create table t (v integer)`.execute(db);
});
afterEach(async () => {
  await db.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('appSqliteDialect', () => {
  it('keeps the real error when SQLite already rolled the transaction back by itself', async () => {
    // What SQLite does on SQLITE_FULL: the transaction is gone before the error reaches us.
    const err = await db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('t').values({ v: 1 }).execute();
        await sql`rollback`.execute(trx);
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SQLITE_FULL' });
    expect(await db.selectFrom('t').selectAll().execute()).toEqual([]);
  });

  it('still rolls back an open transaction on an error', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ v: 2 }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.selectFrom('t').selectAll().execute()).toEqual([]);
    await db.insertInto('t').values({ v: 3 }).execute();
    expect(await db.selectFrom('t').selectAll().execute()).toEqual([{ v: 3 }]);
  });
});
