import { beforeEach, expect, it } from 'vitest';
import { describeStorage, insertTestZone as insertZone } from '../../test/storage-backends.js';
import { AppError } from '../http/app-error.js';
import { outboxEvent } from '../outbox/outbox-event.js';
import { Outbox } from '../outbox/outbox.js';
import { OutboxStore } from '../outbox/outbox-store.js';
import type { Db } from '../storage/db.js';
import { advanceFence, claimFence, fenceGuard, readFence } from './bind-fence.js';

/**
 * The fence on a real app database (SQLite and PostgreSQL): a DNS write of a lease holder is
 * stored with its events only while the fence carries that holder's token; the write of a
 * holder that was fenced off stores nothing, and a claim waits for a write transaction in flight.
 */

let db: Db;
let store: OutboxStore;

/** Holder `holder` (a, b …) under `token`, as the lease would report it. */
const as = (holder: string, token: number) => ({ holder, token });
const mine = (holder: string, token: number) => () => as(holder, token);
const fenceToken = async (d: Db) => (await readFence(d)).token;
const noRelay = { committed: () => Promise.resolve() };

function event(n: number) {
  return outboxEvent(
    'admin_broadcast',
    { broadcastId: `b${n}`, level: 'info', message: `m${n}` },
    { source: 'test' },
  );
}

async function zoneNames(): Promise<string[]> {
  const rows = await db.selectFrom('zones').select('name').orderBy('name').execute();
  return rows.map((r) => r.name);
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  return err instanceof AppError ? err.code : `not refused: ${String(err)}`;
}

describeStorage('BIND lease fence', (open) => {
  beforeEach(async () => {
    db = await open();
    store = new OutboxStore(db);
  });

  it('starts unclaimed, rises with each holder and never goes back', async () => {
    expect(await readFence(db)).toEqual({ token: 0, holder: '' });
    await claimFence(db, as('a', 3));
    expect(await readFence(db)).toEqual({ token: 3, holder: 'a' });
    await claimFence(db, as('a', 3)); // the same holder again (renewed its own lease)
    await expect(claimFence(db, as('b', 2))).rejects.toMatchObject({
      name: 'FenceAheadError',
      fence: 3,
    });
    await claimFence(db, as('b', 7));
    expect(await readFence(db)).toEqual({ token: 7, holder: 'b' });
  });

  it('the same token drawn by two holders (Redis lost its counter) fences the second off', async () => {
    await claimFence(db, as('a', 1));
    await expect(claimFence(db, as('b', 1))).rejects.toMatchObject({
      name: 'FenceAheadError',
      fence: 1,
    });
    // And a's writes still pass; b's guard, though b believes it holds token 1, does not.
    const a = new Outbox(db, store, noRelay).guarded(fenceGuard(mine('a', 1)));
    const b = new Outbox(db, store, noRelay).guarded(fenceGuard(mine('b', 1)));
    await a.commit([event(1)], (trx) => insertZone(trx, 'a.test'));
    expect(await refusal(b.commit([event(2)], (trx) => insertZone(trx, 'b.test')))).toBe(
      'BIND_UNAVAILABLE',
    );
    expect(await zoneNames()).toEqual(['a.test']);
  });

  it('a holder handed a new token follows it only if nobody held the lease in between', async () => {
    await claimFence(db, as('a', 5));
    expect(await advanceFence(db, 'a', 5, 7)).toBe(true);
    expect(await readFence(db)).toEqual({ token: 7, holder: 'a' });
    // b held token 8 meanwhile: a, handed 9, must render again rather than just follow.
    await claimFence(db, as('b', 8));
    expect(await advanceFence(db, 'a', 7, 9)).toBe(false);
    expect(await advanceFence(db, 'b', 8, 8)).toBe(false); // never sideways or down
    expect(await readFence(db)).toEqual({ token: 8, holder: 'b' });
  });

  it('stores a write and its events only under the token the fence carries', async () => {
    await claimFence(db, as('a', 1));
    const holder1 = new Outbox(db, store, noRelay).guarded(fenceGuard(mine('a', 1)));
    await holder1.commit([event(1)], (trx) => insertZone(trx, 'a.test'));
    await claimFence(db, as('b', 2));
    expect(await refusal(holder1.commit([event(2)], (trx) => insertZone(trx, 'b.test')))).toBe(
      'BIND_UNAVAILABLE',
    );
    const follower = new Outbox(db, store, noRelay).guarded(
      fenceGuard(() => null), // follows another holder
    );
    expect(await refusal(follower.commit([event(3)], (trx) => insertZone(trx, 'c.test')))).toBe(
      'BIND_UNAVAILABLE',
    );
    const holder2 = new Outbox(db, store, noRelay).guarded(fenceGuard(mine('b', 2)));
    await holder2.commit([event(4)], (trx) => insertZone(trx, 'd.test'));
    expect(await zoneNames()).toEqual(['a.test', 'd.test']);
    // The refused writes left no event behind either: only events 1 and 4 are in the outbox.
    expect((await store.count()).pending).toBe(2);
  });

  it('a claim waits for a write in flight; that write then commits and is seen by the claimer', async () => {
    await claimFence(db, as('a', 1));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let guarded!: () => void;
    const pastGuard = new Promise<void>((r) => (guarded = r));
    const guard = fenceGuard(mine('a', 1));
    const write = db.transaction().execute(async (trx) => {
      await insertZone(trx, 'late.test');
      await guard(trx);
      guarded();
      await held; // the commit stalls past the takeover
    });
    await pastGuard;
    let claimed = false;
    const claim = claimFence(db, as('b', 2)).then(() => (claimed = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(claimed).toBe(false);
    release();
    await write;
    await claim;
    // The new holder renders after its claim: the stalled write is in what it reads.
    expect(await zoneNames()).toEqual(['late.test']);
    expect(await fenceToken(db)).toBe(2);
  });
});
