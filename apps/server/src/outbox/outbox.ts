import { faultPoint } from '../lib/fault-point.js';
import type { Db } from '../storage/db.js';
import type { OutboxEvent } from './outbox-event.js';
import type { OutboxStore } from './outbox-store.js';

/** The relay as a writer sees it (outbox-relay.ts). */
export interface OutboxSignal {
  /**
   * Wakes the relay for rows committed up to `seq` and resolves once they are in the event log
   * or the relay gave up for now (it retries later). Never rejects: the change is committed.
   */
  committed(seq: number): Promise<void>;
}

/**
 * Writes a change and the events that describe it in ONE transaction of the app database, so a
 * change is never stored without its events: a crash after the commit leaves the events in the
 * outbox, and the relay delivers them after the restart (at least once; the event log
 * deduplicates by event id, so readers see each exactly once).
 *
 * Contract of `commit(events, work)`:
 * - `events` are built with `outboxEvent()` (validated against the catalogue, ids chosen) before
 *   this call; a change whose event is invalid never gets here.
 * - `work(trx)` runs inside the transaction and must do all its writes through `trx` (nested
 *   transactions are not possible; see ZoneStore.in). If it throws, nothing is stored.
 * - After the commit it waits for the relay to deliver these events (normally well under a
 *   millisecond), so an API answer is followed by nothing the client could miss; a relay failure
 *   does not fail the call.
 */
export class Outbox {
  constructor(
    private readonly db: Db,
    private readonly store: OutboxStore,
    private readonly relay: OutboxSignal,
    private readonly guard?: (trx: Db) => Promise<void>,
  ) {}

  /**
   * The same outbox, whose transactions also run `guard(trx)` after the work and before the
   * events are inserted; if it throws, nothing is stored (e.g. the BIND lease fence,
   * dns/bind-fence.ts, for the DNS services' writes).
   */
  guarded(guard: (trx: Db) => Promise<void>): Outbox {
    return new Outbox(this.db, this.store, this.relay, guard);
  }

  async commit<T>(events: readonly OutboxEvent[], work: (trx: Db) => Promise<T>): Promise<T> {
    return this.commitDescribed(async (trx) => ({ result: await work(trx), events }));
  }

  /**
   * Like `commit`, for changes whose events depend on what the transaction reads (e.g. a user's
   * rights before the change): `work` returns the result and the events that describe it, built
   * with `outboxEvent()` inside the transaction (an invalid event throws, so nothing is stored).
   */
  async commitDescribed<T>(
    work: (trx: Db) => Promise<{ result: T; events: readonly OutboxEvent[] }>,
  ): Promise<T> {
    const { result, last } = await this.db.transaction().execute(async (trx) => {
      const { result, events } = await work(trx);
      await this.guard?.(trx);
      const last = await this.store.insert(trx, events);
      return { result, last };
    });
    if (last > 0) {
      // TEST fault-injection point (inert unless HDNS_TEST_CRASH_AT is set): committed, not relayed.
      faultPoint('outbox-after-commit');
      await this.relay.committed(last);
    }
    return result;
  }
}
