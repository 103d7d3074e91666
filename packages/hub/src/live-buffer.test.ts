import { describe, expect, it } from 'vitest';
import { EncodedEvent } from './encoded-event.js';
import type { LoggedEvent } from './event-log/event-log.js';
import { LiveBuffer } from './live-buffer.js';

const event = (seq: number): EncodedEvent =>
  new EncodedEvent({
    id: `e${seq}`,
    seq,
    event: 'zone_updated',
    category: 'dns',
    priority: 'normal',
    ts: '2026-01-01T00:00:00.000Z',
    data: {},
    meta: { actor: null, zone: null },
  } as unknown as LoggedEvent);

describe('LiveBuffer', () => {
  it('hands over the events after the head, in arrival order', () => {
    const b = new LiveBuffer(1000);
    for (const seq of [11, 12, 10, 13]) b.add(event(seq), 100);
    expect(b.exceeds(400)).toBe(false);
    expect(b.exceeds(399)).toBe(true);
    expect(b.drain(10).map((e) => e.seq)).toEqual([11, 12, 13]);
    expect(b.drain(0)).toEqual([]);
  });

  it('lets go of everything past its bound, and asks the replay to read them from the log', () => {
    const b = new LiveBuffer(250);
    b.add(event(1), 100);
    b.add(event(2), 100);
    b.add(event(3), 100);
    b.add(event(4), 10);
    expect(b.exceeds(Number.POSITIVE_INFINITY)).toBe(true);
    // Buffering afresh before the head read: an event arriving during the read is held.
    b.restart();
    b.add(event(5), 100);
    // The replay now reaches the log's head (4).
    b.replayedThrough(4);
    expect(b.exceeds(100)).toBe(false);
    b.add(event(6), 100);
    expect(b.drain(4).map((e) => e.seq)).toEqual([5, 6]);
  });

  it('keeps an overrun that happened during the head read: the replay must read again', () => {
    const b = new LiveBuffer(150);
    b.add(event(1), 100);
    b.add(event(2), 100);
    b.restart();
    b.add(event(3), 100);
    b.add(event(4), 100);
    b.replayedThrough(3);
    expect(b.exceeds(Number.POSITIVE_INFINITY)).toBe(true);
  });

  it('keeps, after the replay is extended, only the events past its new head', () => {
    const b = new LiveBuffer(1000);
    for (const seq of [5, 6, 7, 8]) b.add(event(seq), 100);
    b.replayedThrough(6);
    expect(b.exceeds(200)).toBe(false);
    expect(b.exceeds(199)).toBe(true);
    expect(b.drain(6).map((e) => e.seq)).toEqual([7, 8]);
  });
});
