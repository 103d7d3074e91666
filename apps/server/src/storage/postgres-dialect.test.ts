import { randomUUID } from 'node:crypto';
import { startPostgresServer, waitFor, type PostgresServer } from '@hdns/testkit';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresDialect } from './postgres-dialect.js';

// A real PostgreSQL (testkit, temp dir): what the pool's sessions are configured with.

let postgres: PostgresServer;
let url: string;
beforeAll(async () => {
  postgres = await startPostgresServer();
  url = await postgres.createDatabase(`d_${randomUUID().replace(/-/g, '')}`);
}, 60_000);
afterAll(async () => {
  await postgres?.close();
});

interface T {
  t: { id: number; v: number };
}

describe('postgresDialect', () => {
  it('ends a session left idle inside a transaction, so its row locks do not block others', async () => {
    const errors: Error[] = [];
    const frozen = new Kysely<T>({
      dialect: postgresDialect(url, {
        idleInTransactionTimeoutMs: 2_000,
        onError: (e) => errors.push(e),
      }),
    });
    const other = new Kysely<T>({ dialect: postgresDialect(url) });
    try {
      await sql`create table t (id int primary key, v int)`.execute(other);
      await other.insertInto('t').values({ id: 1, v: 0 }).execute();
      // A transaction takes the row's lock and then waits, as a process stopped mid-commit does.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let taken!: () => void;
      const lockTaken = new Promise<void>((r) => (taken = r));
      const locked = frozen
        .transaction()
        .execute(async (trx) => {
          await trx.updateTable('t').set({ v: 1 }).where('id', '=', 1).execute();
          taken();
          await held;
          await trx.updateTable('t').set({ v: 2 }).where('id', '=', 1).execute();
        })
        .then(
          () => 'committed',
          (e: unknown) => String(e),
        );
      await lockTaken;
      // Another connection's write to that row waits for the lock, then gets through once
      // PostgreSQL has ended the idle transaction (rolled back: its v = 1 is gone).
      await other.updateTable('t').set({ v: 3 }).where('id', '=', 1).execute();
      expect((await other.selectFrom('t').select('v').executeTakeFirstOrThrow()).v).toBe(3);
      release();
      // Its next statement fails (the client is gone); the error was reported, not thrown.
      expect(await locked).toMatch(/not queryable|terminat/i);
      // Reported once (the connection's later "terminated unexpectedly" is the same failure).
      expect(errors.map(String)).toEqual([expect.stringMatching(/idle-in-transaction timeout/)]);
      // The pool recovers: the next query on a fresh connection works.
      await waitFor(
        async () => (await sql<{ one: number }>`select 1 as one`.execute(frozen)).rows.length === 1,
        10_000,
        'the pool answers again',
      );
    } finally {
      await frozen.destroy();
      await other.destroy();
    }
  }, 30_000);

  it('leaves a session working inside a transaction alone', async () => {
    const db = new Kysely<T>({
      dialect: postgresDialect(url, { idleInTransactionTimeoutMs: 2_000 }),
    });
    try {
      // Busy (a statement running), not idle: pg_sleep for longer than the timeout is fine.
      const v = await db.transaction().execute(async (trx) => {
        await sql`select pg_sleep(2.5)`.execute(trx);
        return (await sql<{ v: number }>`select 7 as v`.execute(trx)).rows[0]?.v;
      });
      expect(v).toBe(7);
    } finally {
      await db.destroy();
    }
  });

  it('sends 30 s by default, and nothing with 0 (the role or server setting applies)', async () => {
    const show = async (options: { idleInTransactionTimeoutMs?: number }) => {
      const db = new Kysely<T>({ dialect: postgresDialect(url, options) });
      try {
        const r = await sql<{
          idle_in_transaction_session_timeout: string;
        }>`show idle_in_transaction_session_timeout`.execute(db);
        return r.rows[0]?.idle_in_transaction_session_timeout;
      } finally {
        await db.destroy();
      }
    };
    expect(await show({})).toBe('30s');
    expect(await show({ idleInTransactionTimeoutMs: 0 })).toBe('0');
  });
});
