import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientSummary, QueryPage } from '@hdns/protocol/rest';
import type { QueryFacts } from '../queries/query-facts.js';
import { queryFacts } from './query-store.contract.js';
import { QueryIngest } from './query-ingest.js';
import type { QueryStore, QueryStoreUsage } from './query-store.js';

/** A store that records batches; `hold` keeps inserts pending until released. */
class RecordingStore implements QueryStore {
  readonly backend = 'sqlite' as const;
  batches: QueryFacts[][] = [];
  prunes: number[] = [];
  inFlight = 0;
  maxInFlight = 0;
  hold = false;
  fail = false;
  private waiting: (() => void)[] = [];

  async insert(batch: readonly QueryFacts[]): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (this.hold) await new Promise<void>((r) => this.waiting.push(r));
    this.inFlight--;
    if (this.fail) throw new Error('disk full');
    this.batches.push([...batch]);
  }
  release(): void {
    this.hold = false;
    for (const r of this.waiting.splice(0)) r();
  }
  search(): Promise<QueryPage> {
    return Promise.resolve({ items: [], nextCursor: null });
  }
  clientSummary(): Promise<ClientSummary> {
    return Promise.reject(new Error('unused'));
  }
  status(): Promise<QueryStoreUsage> {
    return Promise.resolve({ rows: 0, bytes: 0, oldest: null, newest: null });
  }
  prune(nowMs: number): Promise<{ removedRows: number }> {
    this.prunes.push(nowMs);
    return Promise.resolve({ removedRows: 0 });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe('QueryIngest', () => {
  let now = 1_000_000;
  beforeEach(() => {
    vi.useFakeTimers();
    now = 1_000_000;
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const make = (
    store: RecordingStore,
    over: Partial<ConstructorParameters<typeof QueryIngest>[1]> = {},
  ) => new QueryIngest(store, { maxInsertsPerSec: 10_000, now: () => now, ...over });

  it('batches every 250 ms, and at once at 2,000 rows', async () => {
    const store = new RecordingStore();
    const ingest = make(store);
    const stop = ingest.start();
    for (let i = 0; i < 10; i++) ingest.offer(queryFacts({ qname: `a${i}.test` }));
    expect(store.batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(250);
    expect(store.batches.map((b) => b.length)).toEqual([10]);
    for (let i = 0; i < 2_000; i++) ingest.offer(queryFacts());
    await vi.advanceTimersByTimeAsync(0);
    expect(store.batches.map((b) => b.length)).toEqual([10, 2_000]);
    expect(ingest.counters()).toEqual({ stored: 2_010, notStored: 0, sampleEvery: 1 });
    await stop();
  });

  it('keeps one insert in flight at a time', async () => {
    const store = new RecordingStore();
    const ingest = make(store, { batchSize: 10 });
    const stop = ingest.start();
    store.hold = true;
    for (let i = 0; i < 55; i++) ingest.offer(queryFacts());
    await vi.advanceTimersByTimeAsync(1_000);
    expect(store.maxInFlight).toBe(1);
    store.release();
    await stop();
    expect(store.maxInFlight).toBe(1);
    expect(store.batches.flat()).toHaveLength(55);
  });

  it('samples above maxInsertsPerSec and says 1 in how many', async () => {
    const store = new RecordingStore();
    const ingest = make(store, { maxInsertsPerSec: 100 });
    const stop = ingest.start();
    // First second: 400 offered, 100 stored (the cap), the rest not stored.
    for (let i = 0; i < 400; i++) ingest.offer(queryFacts());
    expect(ingest.counters()).toMatchObject({ notStored: 300, sampleEvery: 1 });
    now += 1_000;
    // Next second samples 1 in 4 by the last second's rate.
    for (let i = 0; i < 400; i++) ingest.offer(queryFacts({ qname: `s${i}.test` }));
    expect(ingest.counters()).toMatchObject({ notStored: 600, sampleEvery: 4 });
    await stop();
    const second = store.batches.flat().filter((f) => f.qname.startsWith('s'));
    expect(second.map((f) => f.qname)).toEqual(
      Array.from({ length: 100 }, (_, i) => `s${i * 4}.test`),
    );
    now += 1_000;
    expect(ingest.counters()).toMatchObject({ stored: 200, notStored: 600 });
  });

  it('drops and counts when the store falls behind', async () => {
    const store = new RecordingStore();
    const ingest = make(store, { batchSize: 10, maxQueued: 50 });
    const stop = ingest.start();
    store.hold = true;
    for (let i = 0; i < 100; i++) ingest.offer(queryFacts());
    // 10 in the held insert, 50 queued, 40 dropped.
    expect(ingest.counters().notStored).toBe(40);
    store.release();
    await stop();
    expect(ingest.counters()).toMatchObject({ stored: 60, notStored: 40 });
  });

  it('counts a failed insert as not stored and reports it', async () => {
    const store = new RecordingStore();
    const errors: string[] = [];
    const ingest = make(store, { onError: (_e, what) => errors.push(what) });
    const stop = ingest.start();
    store.fail = true;
    for (let i = 0; i < 5; i++) ingest.offer(queryFacts());
    await vi.advanceTimersByTimeAsync(250);
    expect(errors).toEqual(['insert']);
    expect(ingest.counters()).toMatchObject({ stored: 0, notStored: 5 });
    await stop();
  });

  it('prunes every minute with the clock', async () => {
    const store = new RecordingStore();
    const ingest = make(store);
    const stop = ingest.start();
    await vi.advanceTimersByTimeAsync(60_000);
    now += 60_000;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(store.prunes).toEqual([1_000_000, 1_060_000]);
    await stop();
  });

  it('stop flushes what is queued, clears its timers and is idempotent', async () => {
    const store = new RecordingStore();
    const ingest = make(store);
    const stop = ingest.start();
    for (let i = 0; i < 7; i++) ingest.offer(queryFacts());
    await stop();
    await stop();
    expect(store.batches.flat()).toHaveLength(7);
    expect(vi.getTimerCount()).toBe(0);
    ingest.offer(queryFacts());
    expect(ingest.counters()).toMatchObject({ stored: 7, notStored: 1 });
  });
});
