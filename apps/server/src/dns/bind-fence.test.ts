import { beforeEach, expect, it } from 'vitest';
import { describeStorage, insertTestZone as insertZone } from '../../test/storage-backends.js';
import { AppError } from '../http/app-error.js';
import { outboxEvent } from '../outbox/outbox-event.js';
import { Outbox } from '../outbox/outbox.js';
import { OutboxStore } from '../outbox/outbox-store.js';
import type { Db } from '../storage/db.js';
import { claimFence, fenceGuard, fenceToken } from './bind-fence.js';

/**
 * The fence on a real app database (SQLite and PostgreSQL): a DNS write of a lease holder is
 * stored with its events only while the fence carries that holder's token; the write of a
 * holder that was fenced off stores nothing, and a claim waits for a write transaction in flight.
 */

let db: Db;
let store: OutboxStore;

const mine = (token: number) => () => token;
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
    expect(await fenceToken(db)).toBe(0);
    await claimFence(db, 3);
    expect(await fenceToken(db)).toBe(3);
    await claimFence(db, 3); // the same holder again (renewed its own lease)
    await expect(claimFence(db, 2)).rejects.toMatchObject({ name: 'FenceAheadError', fence: 3 });
    await claimFence(db, 7);
    expect(await fenceToken(db)).toBe(7);
  });

  it('stores a write and its events only under the token the fence carries', async () => {
    await claimFence(db, 1);
    const holder1 = new Outbox(db, store, noRelay).guarded(fenceGuard(mine(1)));
    await holder1.commit([event(1)], (trx) => insertZone(trx, 'a.test'));
    await claimFence(db, 2);
    expect(await refusal(holder1.commit([event(2)], (trx) => insertZone(trx, 'b.test')))).toBe(
      'BIND_UNAVAILABLE',
    );
    const follower = new Outbox(db, store, noRelay).guarded(
      fenceGuard(() => null), // follows another holder
    );
    expect(await refusal(follower.commit([event(3)], (trx) => insertZone(trx, 'c.test')))).toBe(
      'BIND_UNAVAILABLE',
    );
    const holder2 = new Outbox(db, store, noRelay).guarded(fenceGuard(mine(2)));
    await holder2.commit([event(4)], (trx) => insertZone(trx, 'd.test'));
    expect(await zoneNames()).toEqual(['a.test', 'd.test']);
    // The refused writes left no event behind either: only events 1 and 4 are in the outbox.
    expect((await store.count()).pending).toBe(2);
  });

  it('a claim waits for a write in flight; that write then commits and is seen by the claimer', async () => {
    await claimFence(db, 1);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let guarded!: () => void;
    const pastGuard = new Promise<void>((r) => (guarded = r));
    const guard = fenceGuard(mine(1));
    const write = db.transaction().execute(async (trx) => {
      await insertZone(trx, 'late.test');
      await guard(trx);
      guarded();
      await held; // the commit stalls past the takeover
    });
    await pastGuard;
    let claimed = false;
    const claim = claimFence(db, 2).then(() => (claimed = true));
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
