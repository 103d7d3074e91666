import { describe, expect, it } from 'vitest';
import { EncodedEvent } from './encoded-event.js';
import type { LoggedEvent } from './event-log/event-log.js';
import {
  DEFAULT_OUTBOUND_LIMITS,
  OutboundQueue,
  type QueueFraming,
  type QueueOwner,
} from './outbound-queue.js';

function encoded(seq: number, priority: LoggedEvent['priority'] = 'normal'): EncodedEvent {
  return new EncodedEvent({
    id: `e${seq}`,
    seq,
    event: 'config_change',
    category: 'system',
    priority,
    ts: '2026-01-01T00:00:00.000Z',
    data: {},
    meta: { actor: null, zone: null },
  } as unknown as LoggedEvent);
}

/** A sink whose writes complete only when the test says so; frames record seqs and `through`. */
function rig(maxInflightBytes: number) {
  const frames: { seqs: string; through: number }[] = [];
  const pending: (() => void)[] = [];
  let position = 0;
  const framing: QueueFraming = {
    batch: (events, through) => {
      frames.push({ seqs: events.map((e) => e.toString().trim()).join(','), through });
      return [Buffer.concat(events)];
    },
    gap: () => undefined,
  };
  const owner: QueueOwner = {
    write: (_bytes, _kind, done) => void pending.push(() => done()),
    hubPosition: () => position,
    onOverflow: () => {
      throw new Error('no overflow expected');
    },
  };
  const queue = new OutboundQueue(owner, framing, {
    ...DEFAULT_OUTBOUND_LIMITS,
    maxBatchEvents: 1,
    maxInflightBytes,
  });
  /** A 100-byte event frame whose text starts with its seq. */
  const push = (seq: number, priority?: LoggedEvent['priority']) => {
    position = Math.max(position, seq);
    queue.push(encoded(seq, priority), Buffer.from(String(seq).padEnd(100)));
  };
  return { frames, pending, queue, push };
}

describe('OutboundQueue in-flight allowance', () => {
  it('stops writing past the allowance and resumes from the write callbacks', () => {
    const { frames, pending, queue, push } = rig(250);
    for (let seq = 1; seq <= 6; seq++) push(seq);
    queue.flush();
    // 0, 100 and 200 bytes in flight are under 250: three frames; then 300 is over.
    expect(frames.map((f) => f.seqs)).toEqual(['1', '2', '3']);
    expect(queue.depth).toBe(3);
    pending.shift()?.();
    // 200 in flight again: the callback itself flushes one more (300 > 250 stops it).
    expect(frames.map((f) => f.seqs)).toEqual(['1', '2', '3', '4']);
    while (pending.length > 0) pending.shift()?.();
    expect(frames.map((f) => f.seqs)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(queue.depth).toBe(0);
    expect(queue.bufferedBytes).toBe(0);
  });

  it('writes a critical event at once, ahead of what waits, with `through` below it', () => {
    const { frames, queue, push } = rig(150);
    for (let seq = 1; seq <= 4; seq++) push(seq);
    queue.flush();
    expect(frames.map((f) => f.seqs)).toEqual(['1', '2']);
    push(5, 'critical');
    expect(frames.at(-1)).toEqual({ seqs: '5', through: 2 });
    expect(queue.depth).toBe(2);
  });

  it('caps the allowance at softBytes', () => {
    const { frames, queue, push } = rig(10 * 1024 * 1024);
    for (let seq = 1; seq <= 2700; seq++) push(seq);
    queue.flush();
    // softBytes 256 KB of 100-byte frames: 2,622 leave before the in-flight figure passes it.
    expect(frames.length).toBe(Math.floor(DEFAULT_OUTBOUND_LIMITS.softBytes / 100) + 1);
  });
});
