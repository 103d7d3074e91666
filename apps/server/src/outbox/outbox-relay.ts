import type { EventDataOf, EventType } from '@hdns/protocol';
import { PublishError, type PublishOptions } from '@hdns/hub';
import { faultPoint } from '../lib/fault-point.js';
import type { OutboxSignal } from './outbox.js';
import type { OutboxStore, PendingEvent } from './outbox-store.js';

/** The hub's publish, as the relay uses it (a caller-given id and ts make it idempotent). */
export type RelayPublish = <T extends EventType>(
  type: T,
  data: EventDataOf<T>,
  options: PublishOptions,
) => Promise<unknown>;

interface RelayLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface OutboxRelayOptions {
  store: OutboxStore;
  publish: RelayPublish;
  log: RelayLogger;
  /** Safety-net poll; the normal path is the wake-up after each commit. Default 5 s. */
  pollMs?: number;
  /** First retry delay after a failed delivery, doubled up to `pollMs`. Default 100 ms. */
  retryMs?: number;
  /** Rows read per round. Default 100. */
  batchSize?: number;
}

/**
 * Moves outbox rows to the event log and the hub, in seq order, at least once: publish (the log
 * appends idempotently by event id), then delete the row. A crash between the two re-publishes
 * the row after the restart, which the log recognises, so the log holds it exactly once.
 *
 * Woken at once by every commit (`committed`), so no polling latency in the normal path; a slow
 * poll catches anything else (rows of a crashed process are drained at `start`). A transient
 * failure (the event log unavailable) stops the round and retries with backoff, keeping order; a
 * row the catalogue refuses (PublishError) is parked as dead and logged, never blocks the rest.
 */
export class OutboxRelay implements OutboxSignal {
  private readonly pollMs: number;
  private readonly retryMs: number;
  private readonly batchSize: number;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private pollTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay: number;
  /** Highest outbox seq delivered (or parked) by this process. */
  private through = 0;
  private waiters: { seq: number; resolve: () => void }[] = [];

  constructor(private readonly options: OutboxRelayOptions) {
    this.pollMs = options.pollMs ?? 5000;
    this.retryMs = options.retryMs ?? 100;
    this.batchSize = options.batchSize ?? 100;
    this.retryDelay = this.retryMs;
  }

  /** Starts relaying (draining what a previous process left at once); returns its stop. */
  start(): () => Promise<void> {
    this.stopped = false;
    this.pollTimer = setInterval(() => this.wake(), this.pollMs);
    this.pollTimer.unref();
    this.wake();
    return () => this.stop();
  }

  committed(seq: number): Promise<void> {
    if (seq <= this.through || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ seq, resolve });
      this.wake();
    });
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Idempotent. Waits for the round in flight; rows still pending go out after the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.retryTimer);
    this.pollTimer = this.retryTimer = undefined;
    await this.running;
    this.release(Number.POSITIVE_INFINITY);
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.drain();
        this.retryDelay = this.retryMs;
      } catch (err) {
        this.options.log.error({ err }, 'outbox relay failed; retrying');
        // The waiters' changes are committed; they stop waiting, delivery follows on retry.
        this.release(Number.POSITIVE_INFINITY);
        this.scheduleRetry();
        return;
      }
    } while (this.again && !this.stopped);
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const rows = await this.options.store.pending(this.batchSize);
      if (rows.length === 0) {
        // Nothing is pending, so every waiter's row (committed before it waited) has been
        // delivered: by this relay, or by another instance's relay sharing the database, which
        // `through` does not count.
        this.release(Number.POSITIVE_INFINITY);
        return;
      }
      const done: number[] = [];
      const parked: number[] = [];
      let failure: Error | undefined;
      for (const row of rows) {
        try {
          await this.publish(row);
          done.push(row.seq);
        } catch (err) {
          if (err instanceof PublishError) {
            this.options.log.error(
              { err, event: row.type, id: row.id },
              'outbox event refused by the catalogue; parked as dead',
            );
            await this.options.store.dead(row.seq, err.message);
            parked.push(row.seq);
            continue;
          }
          failure = err instanceof Error ? err : new Error(String(err));
          await this.options.store.failed(row.seq, failure.message).catch(() => undefined);
          break;
        }
      }
      if (done.length > 0) {
        // TEST fault-injection point (inert unless HDNS_TEST_CRASH_AT is set): logged, not deleted.
        faultPoint('outbox-after-append');
        await this.options.store.remove(done);
      }
      if (done.length + parked.length > 0) {
        this.through = Math.max(this.through, ...done, ...parked);
        this.release(this.through);
      }
      if (failure !== undefined) throw failure;
    }
  }

  private publish(row: PendingEvent): Promise<unknown> {
    return this.options.publish(row.type, row.data as EventDataOf<typeof row.type>, {
      ...row.options,
      id: row.id,
      ts: row.ts,
    });
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, this.pollMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.wake();
    }, delay);
    this.retryTimer.unref();
  }

  private release(through: number): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.seq <= through) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }
}
