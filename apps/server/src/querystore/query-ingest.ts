import type { QueryFacts } from '../queries/query-facts.js';
import type { QueryStore } from './query-store.js';

export interface QueryIngestOptions {
  /** Queries stored per second at most; above it 1 in `sampleEvery` is kept. */
  maxInsertsPerSec: number;
  /** A batch goes to the store this often (ms) or at `batchSize` rows. Default 250 ms. */
  flushMs?: number;
  /** Default 2,000. */
  batchSize?: number;
  /** Queued rows beyond which new ones are dropped (the store fell behind). Default 20,000. */
  maxQueued?: number;
  /** Age and size pruning period (ms). Default one minute. */
  pruneMs?: number;
  /** Clock (epoch ms). */
  now?: () => number;
  onError?: (err: unknown, what: 'insert' | 'prune') => void;
  onPruned?: (removedRows: number) => void;
}

export interface QueryIngestCounters {
  stored: number;
  /** Sampled out, dropped when the store fell behind, or lost with a failed insert. */
  notStored: number;
  /** 1 = every query is kept; n = 1 in n (over `maxInsertsPerSec` in the last second). */
  sampleEvery: number;
}

/**
 * What the query pipeline hands each query to: batches for the store (one insert in flight at a
 * time), sampling above the insert rate the store is sized for, and dropping (counted) when the
 * store falls behind, so a flood slows neither DNS facts to the live view nor the event loop.
 */
export class QueryIngest {
  private queue: QueryFacts[] = [];
  private inFlight: Promise<void> | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private pruning: Promise<void> | null = null;
  private stored = 0;
  private notStored = 0;
  private windowStart = 0;
  private offeredInWindow = 0;
  private keptInWindow = 0;
  private sampleEvery = 1;
  private running = false;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly maxQueued: number;
  private readonly pruneMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: QueryStore,
    private readonly options: QueryIngestOptions,
  ) {
    this.flushMs = options.flushMs ?? 250;
    this.batchSize = options.batchSize ?? 2_000;
    this.maxQueued = options.maxQueued ?? 20_000;
    this.pruneMs = options.pruneMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** One answered query. Cheap: queues or counts it, never waits. */
  offer(facts: QueryFacts): void {
    if (!this.running) {
      this.notStored++;
      return;
    }
    const now = this.now();
    if (now - this.windowStart >= 1000) {
      // The next second samples by the rate of this one.
      const rate = this.offeredInWindow;
      this.sampleEvery = Math.max(1, Math.ceil(rate / this.options.maxInsertsPerSec));
      this.windowStart = now;
      this.offeredInWindow = 0;
      this.keptInWindow = 0;
    }
    const index = this.offeredInWindow++;
    if (index % this.sampleEvery !== 0 || this.keptInWindow >= this.options.maxInsertsPerSec) {
      this.notStored++;
      return;
    }
    if (this.queue.length >= this.maxQueued) {
      this.notStored++;
      return;
    }
    this.keptInWindow++;
    // A time far from now (a forged or broken source) would name a partition that pruning by
    // age never reaches, or none at all: such a query is stored as received now.
    this.queue.push(Math.abs(facts.tsMs - now) <= MAX_SKEW_MS ? facts : restamped(facts, now));
    if (this.queue.length >= this.batchSize) this.kick();
  }

  counters(): QueryIngestCounters {
    return { stored: this.stored, notStored: this.notStored, sampleEvery: this.sampleEvery };
  }

  /** Starts the flush and prune timers; the returned stop flushes what is queued. */
  start(): () => Promise<void> {
    if (this.running) throw new Error('query ingest already started');
    this.running = true;
    this.flushTimer = setInterval(() => this.kick(), this.flushMs);
    this.pruneTimer = setInterval(() => void this.prune(), this.pruneMs);
    let stopped: Promise<void> | null = null;
    return () => (stopped ??= this.stop());
  }

  /** Runs one prune now (also what the timer does); errors go to onError. */
  prune(): Promise<void> {
    this.pruning ??= this.store
      .prune(this.now())
      .then(
        ({ removedRows }) => {
          if (removedRows > 0) this.options.onPruned?.(removedRows);
        },
        (err: unknown) => this.options.onError?.(err, 'prune'),
      )
      .finally(() => {
        this.pruning = null;
      });
    return this.pruning;
  }

  /** Sends the queue, a batch at a time, unless an insert is already in flight. */
  private kick(): void {
    if (this.inFlight || this.queue.length === 0) return;
    this.inFlight = this.drain().finally(() => {
      this.inFlight = null;
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchSize);
      try {
        await this.store.insert(batch);
        this.stored += batch.length;
      } catch (err) {
        this.notStored += batch.length;
        this.options.onError?.(err, 'insert');
      }
      // A batch arriving while one was written goes now only if it is full; else the timer.
      if (this.queue.length < this.batchSize) break;
    }
  }

  private async stop(): Promise<void> {
    this.running = false;
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.flushTimer = null;
    this.pruneTimer = null;
    await this.pruning;
    await this.inFlight;
    while (this.queue.length > 0) {
      this.kick();
      await this.inFlight;
    }
  }
}

/** How far a query's time may be from the clock; beyond it the query is stored as of now. */
export const MAX_SKEW_MS = 86_400_000;

function restamped(facts: QueryFacts, now: number): QueryFacts {
  return { ...facts, tsMs: now, ts: new Date(now).toISOString() };
}
