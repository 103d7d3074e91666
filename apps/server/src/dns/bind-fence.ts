import { AppError } from '../http/app-error.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Db } from '../storage/db.js';

/**
 * The BIND lease's fence (bind/bind-lease.ts) in the app database (`bind_fence`, migration
 * 0006), so that the database and what the lease holder's named serves never disagree across a
 * takeover. The row holds the fencing token of the newest holder and that holder's name: a token
 * alone is not enough, since after Redis lost its counter two holders could draw the same one.
 *
 * Contract:
 * - A new holder calls `claimFence(db, {token, holder})` before it renders every zone into its
 *   named. The claim succeeds if the token is above the fence's, or equal and claimed by the same
 *   holder (it gave BIND up on its timer and renewed its own lease before anyone else took it);
 *   otherwise FenceAheadError, and the takeover is abandoned.
 * - A holder that kept BIND running while Redis handed it a new token (the lease key was lost)
 *   calls `advanceFence`: it succeeds only if the fence still carries this holder's previous
 *   token, i.e. nobody held the lease in between; otherwise the holder renders everything again.
 * - Every DNS write transaction runs the `fenceGuard` before it commits: an UPDATE of the row
 *   that matches only this holder's token and name. It takes the row's lock, so a claim and a
 *   write transaction are ordered: a write that committed first is in the new holder's
 *   rendering, and a write of an old holder that commits after the claim matches no row and is
 *   refused (BIND_UNAVAILABLE, nothing stored; the zone's writer undoes its BIND step).
 * None of this runs without a lease (one instance drives BIND; there is nothing to fence).
 */

/** A lease holding as the fence records it. */
export interface FenceHolding {
  token: number;
  holder: string;
}

function fenced(message: string): AppError {
  return new AppError('BIND_UNAVAILABLE', undefined, { message, headers: { 'retry-after': '2' } });
}

/** The fence is ahead of a claim: `fence` is the token it carries. */
export class FenceAheadError extends Error {
  constructor(
    readonly token: number,
    readonly fence: number,
  ) {
    super(
      `BIND fence: the database carries lease token ${fence}, at or above this holder's ` +
        `${token} (a newer holder claimed it, or Redis lost the token counter)`,
    );
    this.name = 'FenceAheadError';
  }
}

/** The fence's current holding (token 0 and no holder before any claim). */
export async function readFence(db: Db): Promise<FenceHolding> {
  const row = await db
    .selectFrom('bind_fence')
    .select(['token', 'holder'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return { token: Number(row.token), holder: row.holder };
}

/** Raises the fence to this holding; throws FenceAheadError if it is ahead (see the contract). */
export async function claimFence(db: Db, claim: FenceHolding): Promise<void> {
  const result = await db
    .updateTable('bind_fence')
    .set({ token: claim.token, holder: claim.holder })
    .where('id', '=', 1)
    .where((eb) =>
      eb.or([
        eb('token', '<', claim.token),
        eb.and([eb('token', '=', claim.token), eb('holder', '=', claim.holder)]),
      ]),
    )
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) {
    throw new FenceAheadError(claim.token, (await readFence(db)).token);
  }
}

/**
 * Moves this holder's fence from `from` to `to` (a higher token of the same holding); false if
 * the fence no longer carries `from` for this holder (someone held the lease in between).
 */
export async function advanceFence(
  db: Db,
  holder: string,
  from: number,
  to: number,
): Promise<boolean> {
  if (!(to > from)) return false;
  const result = await db
    .updateTable('bind_fence')
    .set({ token: to })
    .where('id', '=', 1)
    .where('token', '=', from)
    .where('holder', '=', holder)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * The guard of the DNS services' transactions (Outbox.guarded). `held` is the lease this
 * instance holds now, or null when it holds none (bind/bind-lease.ts).
 */
export function fenceGuard(held: () => FenceHolding | null): (trx: Db) => Promise<void> {
  return async (trx) => {
    const holding = held();
    if (holding === null) {
      throw fenced('this instance no longer holds the BIND lease; nothing was changed. Retry');
    }
    const result = await trx
      .updateTable('bind_fence')
      .set({ token: holding.token })
      .where('id', '=', 1)
      .where('token', '=', holding.token)
      .where('holder', '=', holding.holder)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) {
      throw fenced('the BIND lease changed hands during this write; nothing was changed. Retry');
    }
  };
}

/** What fencedOutbox reads of the BIND lease (bind/bind-lease.ts: dns/ does not import bind/). */
export interface FencedLease {
  readonly node: string;
  current(): { kind: 'mine'; token: number } | { kind: 'other' | 'none' };
}

/**
 * The outbox every BIND-side writer commits through (the DNS services, the blocklist feeds):
 * under the BIND lease it is guarded by the fence for the holding this instance has now;
 * without a lease, the outbox itself.
 */
export function fencedOutbox(outbox: Outbox, lease: FencedLease | undefined): Outbox {
  if (!lease) return outbox;
  return outbox.guarded(
    fenceGuard(() => {
      const view = lease.current();
      return view.kind === 'mine' ? { token: view.token, holder: lease.node } : null;
    }),
  );
}
