import { describe, expect, it } from 'vitest';
import type { Priority } from '@hdns/protocol';
import { EncodedEvent } from './encoded-event.js';
import type { LoggedEvent } from './event-log/event-log.js';
import {
  DEFAULT_OUTBOUND_LIMITS,
  OutboundQueue,
  type LostRange,
  type OutboundLimits,
  type QueueFraming,
  type QueueOwner,
} from './outbound-queue.js';

// The queue's contract for replayed events: exempt from shedding, coalescing and the hard bound
// (the replay paces itself), and every write callback reported so a paced replay can wake.

function encoded(seq: number, priority: Priority, type = 'dns_query_log'): EncodedEvent {
  const event = {
    id: `e${seq}`,
    seq,
    event: type,
    category: 'query',
    priority,
    ts: '2026-01-01T00:00:00.000Z',
    data: { serverId: 'ns1' },
    meta: { actor: null, zone: null },
  } as unknown as LoggedEvent;
  return new EncodedEvent(event);
}

/** Frames as `{seqs,through}`; a batch's events are the seqs written as their bytes. */
const framing: QueueFraming = {
  batch: (events, through) => [Buffer.from(JSON.stringify({ seqs: events.map(String), through }))],
  gap: (range: LostRange) => Buffer.from(JSON.stringify({ gap: range })),
};

/** A sink whose writes complete only when the test says (a peer that reads on demand). */
class Owner implements QueueOwner {
  frames: string[] = [];
  pending: (() => void)[] = [];
  overflows = 0;
  shed = 0;
  written = 0;
  write(bytes: Buffer, _kind: 'batch' | 'gap', done: (err?: Error) => void): void {
    this.frames.push(bytes.toString());
    this.pending.push(() => done());
  }
  hubPosition(): number {
    return 0;
  }
  onOverflow(): void {
    this.overflows++;
  }
  onShed(n: number): void {
    this.shed += n;
  }
  onWritten(): void {
    this.written++;
  }
  /** The peer reads everything written so far. */
  readAll(): void {
    for (const done of this.pending.splice(0)) done();
  }
}

const limits: OutboundLimits = { ...DEFAULT_OUTBOUND_LIMITS, softBytes: 1000, hardBytes: 4000 };

/** An event's bytes: its seq padded to `size` (the fake framing prints the seq back). */
const body = (seq: number, size: number): Buffer => Buffer.from(String(seq).padEnd(size));

describe('OutboundQueue: replayed events', () => {
  it('never sheds, coalesces or overflows on replayed events, however many are queued', () => {
    const owner = new Owner();
    const queue = new OutboundQueue(owner, framing, limits);
    // 50 low, key-less events of 300 bytes: 15 KB, past both bounds, nothing written yet.
    for (let seq = 1; seq <= 50; seq++) queue.push(encoded(seq, 'low'), body(seq, 300), true);
    expect(queue.bufferedBytes).toBe(50 * 300);
    expect(owner.overflows).toBe(0);
    expect(owner.shed).toBe(0);
    queue.flush();
    owner.readAll();
    queue.flush();
    const seqs = owner.frames.flatMap((f) => (JSON.parse(f) as { seqs: string[] }).seqs);
    expect(seqs.map((s) => Number(s.trim()))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(owner.frames.some((f) => f.includes('gap'))).toBe(false);
  });

  it('sheds live events under pressure but not the replayed ones queued before them', () => {
    const owner = new Owner();
    const queue = new OutboundQueue(owner, framing, limits);
    for (let seq = 1; seq <= 3; seq++) queue.push(encoded(seq, 'low'), body(seq, 300), true);
    // Live: past the soft bound, the key-less low events go, oldest first; replayed ones stay.
    for (let seq = 4; seq <= 6; seq++) queue.push(encoded(seq, 'low'), body(seq, 300));
    expect(owner.shed).toBe(3);
    expect(owner.overflows).toBe(0);
    queue.flush();
    const written = owner.frames.join('\n');
    for (const seq of [1, 2, 3]) expect(written).toContain(`"${seq}`);
    expect(written).toContain('"gap":{"fromSeq":4,"toSeq":6,"count":3,"reason":"shed"}');
  });

  it('keeps the hard bound for live events', () => {
    const owner = new Owner();
    const queue = new OutboundQueue(owner, framing, limits);
    for (let seq = 1; seq <= 20; seq++) queue.push(encoded(seq, 'normal'), body(seq, 300));
    expect(owner.overflows).toBe(1);
  });

  it('reports each completed write and what is still in flight', () => {
    const owner = new Owner();
    const queue = new OutboundQueue(owner, framing, limits);
    queue.push(encoded(1, 'high'), body(1, 400), true);
    queue.push(encoded(2, 'high'), body(2, 400), true);
    expect(owner.frames).toHaveLength(2);
    const inFlight = queue.inflight;
    expect(inFlight).toBe(queue.bufferedBytes);
    expect(inFlight).toBeGreaterThan(800);
    owner.pending.shift()?.();
    expect(owner.written).toBe(1);
    expect(queue.inflight).toBeLessThan(inFlight);
    owner.readAll();
    expect(owner.written).toBe(2);
    expect(queue.inflight).toBe(0);
  });
});
