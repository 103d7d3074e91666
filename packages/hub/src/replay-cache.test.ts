import { afterEach, describe, expect, it, vi } from 'vitest';
import { EncodedEvent } from './encoded-event.js';
import { sampleEvent } from './event-log/event-log.contract.js';
import type { EventQuery } from './event-log/event-log.js';
import { MemoryEventLog } from './event-log/memory-event-log.js';
import { ReplayCache, type ReplayFilter } from './replay-cache.js';

const DNS: ReplayFilter = { types: ['record_created', 'zone_created'] };

/** A log of `n` events alternating between two zones and two types. */
async function logWith(n: number): Promise<MemoryEventLog> {
  const log = new MemoryEventLog();
  for (let i = 0; i < n; i++) {
    const zone = i % 2 === 0 ? 'a.test' : 'b.test';
    await log.append(
      sampleEvent({
        event: i % 3 === 0 ? 'zone_created' : 'record_created',
        meta: { actor: null, zone },
      }),
    );
  }
  return log;
}

function cacheOf(log: MemoryEventLog, options = { maxBytes: 2 ** 20, idleMs: 1_000 }) {
  const query = vi.spyOn(log, 'query');
  const cache = new ReplayCache(log, (e) => new EncodedEvent(e), options);
  return { cache, query };
}

/** What one direct log read answers (the reference a cached answer must equal). */
async function direct(log: MemoryEventLog, q: EventQuery): Promise<number[]> {
  // The prototype's method: the instance's spy counts the cache's reads only.
  return (await MemoryEventLog.prototype.query.call(log, q)).map((e) => e.seq);
}

describe('ReplayCache', () => {
  let cache: ReplayCache | undefined;
  afterEach(() => {
    cache?.close();
    vi.useRealTimers();
  });

  it('answers N concurrent identical reads with one log query and the same events', async () => {
    const log = await logWith(40);
    const made = cacheOf(log);
    cache = made.cache;
    const pages = await Promise.all(
      Array.from({ length: 50 }, () => made.cache.read(10, 40, 500, DNS)),
    );
    expect(made.query).toHaveBeenCalledTimes(1);
    const expected = await direct(log, { afterSeq: 10, beforeSeq: 41, types: DNS.types });
    for (const page of pages) expect(page.map((e) => e.seq)).toEqual(expected);
    // The same EncodedEvent objects: each event's bytes are encoded once for every session.
    expect(pages[7]?.[3]).toBe(pages[0]?.[3]);
  });

  it('does not share reads between different zone filters', async () => {
    const log = await logWith(30);
    const made = cacheOf(log);
    cache = made.cache;
    const a = { ...DNS, zones: ['a.test'] };
    const b = { ...DNS, zones: ['b.test'] };
    const [pa, pb] = await Promise.all([
      made.cache.read(0, 30, 500, a),
      made.cache.read(0, 30, 500, b),
    ]);
    expect(made.query).toHaveBeenCalledTimes(2);
    expect(pa?.map((e) => e.seq)).toEqual(
      await direct(log, { afterSeq: 0, beforeSeq: 31, types: DNS.types, zones: ['a.test'] }),
    );
    expect(pb?.map((e) => e.seq)).toEqual(
      await direct(log, { afterSeq: 0, beforeSeq: 31, types: DNS.types, zones: ['b.test'] }),
    );
    expect(pa?.some((e) => e.event.meta.zone === 'b.test')).toBe(false);
  });

  it('does not share reads between different subscriptions or positions', async () => {
    const log = await logWith(20);
    const made = cacheOf(log);
    cache = made.cache;
    await Promise.all([
      made.cache.read(0, 20, 500, DNS),
      made.cache.read(0, 20, 500, { types: ['zone_created'] }),
      made.cache.read(5, 20, 500, DNS),
    ]);
    expect(made.query).toHaveBeenCalledTimes(3);
  });

  it('answers every head and page size exactly as a direct read would', async () => {
    const log = await logWith(60);
    const made = cacheOf(log);
    cache = made.cache;
    for (const [head, limit] of [
      [20, 500],
      [15, 500],
      [60, 7],
      [60, 500],
      [33, 3],
      [45, 500],
    ] as const) {
      const page = await made.cache.read(4, head, limit, DNS);
      expect(page.map((e) => e.seq)).toEqual(
        await direct(log, { afterSeq: 4, beforeSeq: head + 1, types: DNS.types, limit }),
      );
    }
  });

  it('extends a range with a read of the newer events only', async () => {
    const log = await logWith(20);
    const made = cacheOf(log);
    cache = made.cache;
    await made.cache.read(10, 20, 500, DNS);
    for (let i = 0; i < 5; i++) await log.append(sampleEvent());
    const page = await made.cache.read(10, 25, 500, DNS);
    expect(page.map((e) => e.seq)).toEqual(
      await direct(log, { afterSeq: 10, beforeSeq: 26, types: DNS.types }),
    );
    expect(made.query).toHaveBeenCalledTimes(2);
    expect(made.query.mock.calls[1]?.[0]).toMatchObject({ afterSeq: 20, beforeSeq: 26 });
    // An older head is still answered from what was read, without reading again.
    await made.cache.read(10, 22, 500, DNS);
    expect(made.query).toHaveBeenCalledTimes(2);
  });

  it('serves later pages from any position inside a range already read', async () => {
    const log = await logWith(40);
    const made = cacheOf(log);
    cache = made.cache;
    await made.cache.read(2, 40, 500, DNS);
    let cursor = 2;
    const walked: number[] = [];
    for (;;) {
      const page = await made.cache.read(cursor, 40, 4, DNS);
      if (page.length === 0) break;
      walked.push(...page.map((e) => e.seq));
      cursor = page[page.length - 1]?.seq ?? cursor;
    }
    expect(walked).toEqual(await direct(log, { afterSeq: 2, beforeSeq: 41, types: DNS.types }));
    expect(made.query).toHaveBeenCalledTimes(1);
    expect(made.cache.size.ranges).toBe(1);
  });

  it('reads once more for all the requests with a later head that arrived during a read', async () => {
    const log = await logWith(20);
    const made = cacheOf(log);
    cache = made.cache;
    const first = made.cache.read(0, 10, 500, DNS);
    // Asked while the first read is in flight: one more read, up to the widest head, serves all.
    const later = [20, 18, 20, 12].map((head) => made.cache.read(0, head, 500, DNS));
    const pages = await Promise.all([first, ...later]);
    for (const [i, head] of [10, 20, 18, 20, 12].entries()) {
      expect(pages[i]?.map((e) => e.seq)).toEqual(
        await direct(log, { afterSeq: 0, beforeSeq: head + 1, types: DNS.types }),
      );
    }
    expect(made.query).toHaveBeenCalledTimes(2);
  });

  it('keeps no more than its byte budget, dropping the least recently used range', async () => {
    const log = await logWith(40);
    const probe = new ReplayCache(log, (e) => new EncodedEvent(e));
    await probe.read(0, 20, 500, DNS);
    const oneRange = probe.size.bytes;
    probe.close();
    // Room for one range of twenty events, not two.
    const made = cacheOf(log, { maxBytes: Math.round(oneRange * 1.5), idleMs: 60_000 });
    cache = made.cache;
    await made.cache.read(0, 20, 500, DNS);
    // Not inside the first range (it ends at 20): a range of its own.
    await made.cache.read(25, 40, 500, DNS);
    expect(made.cache.size.ranges).toBe(1);
    expect(made.cache.size.bytes).toBeLessThanOrEqual(oneRange * 1.5);
    // The newer range stayed; the older one is read again.
    await made.cache.read(25, 40, 500, DNS);
    expect(made.query).toHaveBeenCalledTimes(2);
    await made.cache.read(0, 20, 500, DNS);
    expect(made.query).toHaveBeenCalledTimes(3);
  });

  it('drops ranges nobody asked for within idleMs, and close() drops the rest', async () => {
    vi.useFakeTimers();
    const log = await logWith(10);
    const made = cacheOf(log, { maxBytes: 2 ** 20, idleMs: 1_000 });
    cache = made.cache;
    await made.cache.read(0, 5, 500, DNS);
    await made.cache.read(7, 10, 500, DNS);
    expect(made.cache.size.ranges).toBe(2);
    await vi.advanceTimersByTimeAsync(600);
    await made.cache.read(7, 10, 500, DNS);
    // The sweep at 1 s drops the range last used at 0 and keeps the one used at 0.6 s.
    await vi.advanceTimersByTimeAsync(500);
    expect(made.cache.size.ranges).toBe(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(made.cache.size).toEqual({ ranges: 0, bytes: 0 });
    expect(vi.getTimerCount()).toBe(0);
    await made.cache.read(0, 10, 500, DNS);
    made.cache.close();
    made.cache.close();
    expect(made.cache.size).toEqual({ ranges: 0, bytes: 0 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('caches nothing from a failed read', async () => {
    const log = await logWith(10);
    const made = cacheOf(log);
    cache = made.cache;
    made.query.mockRejectedValueOnce(new Error('log down'));
    await expect(made.cache.read(0, 10, 500, DNS)).rejects.toThrow('log down');
    expect(made.cache.size.ranges).toBe(0);
    const page = await made.cache.read(0, 10, 500, DNS);
    expect(page.map((e) => e.seq)).toEqual(
      await direct(log, { afterSeq: 0, beforeSeq: 11, types: DNS.types }),
    );
  });
});
