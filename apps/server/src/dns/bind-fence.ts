import { AppError } from '../http/app-error.js';
import type { Db } from '../storage/db.js';

/**
 * The BIND lease's fence (bind/bind-lease.ts) in the app database (`bind_fence`, migration 0006), so that the
 * database and what the lease holder's named serves never disagree across a takeover.
 *
 * Contract:
 * - A new holder calls `claimFence(db, token)` before it renders every zone into its named: the
 *   row's token rises to the lease's fencing token, or the claim fails (a newer holder already
 *   claimed it) and the takeover is abandoned. The same token may claim again (a holder that
 *   gave BIND up on its timer and renewed the same lease before anyone else took it).
 * - Every DNS write transaction runs `fenceGuard(lease)` before it commits: an UPDATE of the row
 *   that matches only this holder's token. It takes the row's lock, so a claim and a write
 *   transaction are ordered: a write that committed first is in the new holder's rendering, and
 *   a write of an old holder that commits after the claim matches no row and is refused
 *   (BIND_UNAVAILABLE, nothing stored; the zone's writer undoes its BIND step).
 * Both are no-ops without a lease (one instance drives BIND; there is nothing to fence).
 */

function fenced(message: string): AppError {
  return new AppError('BIND_UNAVAILABLE', undefined, { message, headers: { 'retry-after': '2' } });
}

/** The fence carries a higher token than a claim's: `fence` is the token it carries. */
export class FenceAheadError extends Error {
  constructor(
    readonly token: number,
    readonly fence: number,
  ) {
    super(
      `BIND fence: the database carries lease token ${fence}, above this holder's ${token} ` +
        '(a newer holder claimed it, or Redis lost the token counter)',
    );
    this.name = 'FenceAheadError';
  }
}

/** Raises the fence to `token`; throws FenceAheadError if it carries a higher one. */
export async function claimFence(db: Db, token: number): Promise<void> {
  const result = await db
    .updateTable('bind_fence')
    .set({ token })
    .where('id', '=', 1)
    .where('token', '<=', token)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new FenceAheadError(token, await fenceToken(db));
}

/** The fence's current token (0 before any holder claimed it). */
export async function fenceToken(db: Db): Promise<number> {
  const row = await db
    .selectFrom('bind_fence')
    .select('token')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.token);
}

/**
 * The guard of the DNS services' transactions (Outbox.guarded). `heldToken` is the fencing token
 * of the lease this instance holds now, or null when it holds none (bind/bind-lease.ts).
 */
export function fenceGuard(heldToken: () => number | null): (trx: Db) => Promise<void> {
  return async (trx) => {
    const token = heldToken();
    if (token === null) {
      throw fenced('this instance no longer holds the BIND lease; nothing was changed. Retry');
    }
    const result = await trx
      .updateTable('bind_fence')
      .set({ token })
      .where('id', '=', 1)
      .where('token', '=', token)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) {
      throw fenced('the BIND lease changed hands during this write; nothing was changed. Retry');
    }
  };
}
