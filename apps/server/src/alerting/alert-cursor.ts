import type { EventLog } from '@hdns/hub';
import type { Db } from '../storage/db.js';

/** How long a claim to match holds; it is renewed when half of it is left. */
export const MATCHER_CLAIM_MS = 15_000;

/** What `claim` found: whether this instance matches now, and whether it just began to. */
export interface Claim {
  holds: boolean;
  /** The claim was taken now (a start, a takeover, or ours had lapsed): windows are stale. */
  fresh: boolean;
}

/**
 * The alert matcher's position in the event log and who may move it (`alert_cursor`, one row).
 *
 * Contract: one instance at a time matches (conditions keep windows in memory, and two
 * instances reading alternate batches would each see half). An instance claims the row for
 * MATCHER_CLAIM_MS and renews it while it runs; another takes it over once a claim has run
 * out. Only the holder moves the position (`save` matches the holder), so an instance whose
 * claim lapsed (a long pause) cannot move it back. The row is created at the log's head, and
 * set there again when the log's epoch changed: alerts are for what happens from then on.
 */
export class AlertCursor {
  private heldUntil = 0;
  /** The position as this holder last read or saved it (only the holder moves it). */
  private known: number | null = null;

  constructor(
    private readonly db: Db,
    private readonly log: EventLog,
    private readonly node: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates the row at the log's head if there is none; leaves an existing one be. */
  async ensure(): Promise<void> {
    const head = await this.log.lastSeq();
    await this.db
      .insertInto('alert_cursor')
      .values({ id: 1, epoch: this.log.epoch, seq: String(head), holder: null, held_until: null })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async claim(): Promise<Claim> {
    const now = this.now();
    if (now < this.heldUntil - MATCHER_CLAIM_MS / 2) return { holds: true, fresh: false };
    const lapsed = this.heldUntil <= now;
    const result = await this.db
      .updateTable('alert_cursor')
      .set({ holder: this.node, held_until: new Date(now + MATCHER_CLAIM_MS).toISOString() })
      .where('id', '=', 1)
      .where((eb) =>
        eb.or([
          eb('holder', 'is', null),
          eb('holder', '=', this.node),
          eb('held_until', '<', new Date(now).toISOString()),
        ]),
      )
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) {
      this.heldUntil = 0;
      this.known = null;
      return { holds: false, fresh: false };
    }
    if (lapsed) this.known = null;
    this.heldUntil = now + MATCHER_CLAIM_MS;
    return { holds: true, fresh: lapsed };
  }

  /** Gives the claim up (a clean shutdown), so the next instance need not wait for it to run out. */
  async release(): Promise<void> {
    this.heldUntil = 0;
    this.known = null;
    await this.db
      .updateTable('alert_cursor')
      .set({ holder: null, held_until: null })
      .where('id', '=', 1)
      .where('holder', '=', this.node)
      .execute();
  }

  /** The stored position; at the head (and stored so) when it belongs to another epoch. */
  async position(): Promise<number> {
    if (this.known !== null && this.now() < this.heldUntil) return this.known;
    const row = await this.db
      .selectFrom('alert_cursor')
      .select(['epoch', 'seq'])
      .where('id', '=', 1)
      .executeTakeFirst();
    if (row && row.epoch === this.log.epoch) {
      this.known = Number(row.seq);
      return this.known;
    }
    const head = await this.log.lastSeq();
    await this.save(head);
    return head;
  }

  /** Moves the position, if this instance still holds the claim. */
  async save(seq: number): Promise<void> {
    const result = await this.db
      .updateTable('alert_cursor')
      .set({ epoch: this.log.epoch, seq: String(seq) })
      .where('id', '=', 1)
      .where('holder', '=', this.node)
      .executeTakeFirst();
    this.known = result.numUpdatedRows === 1n ? seq : null;
  }
}
