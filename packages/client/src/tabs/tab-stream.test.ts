/** TabStream: per-tab dedupe across handovers, and the per-tab welcome rules. */
import { EXAMPLE_EVENTS, type EventFrame, type WelcomeFrame } from '@hdns/protocol';
import { describe, expect, it } from 'vitest';
import type { StreamItem } from './messages.js';
import { TabStream } from './tab-stream.js';

const E = 'e1';
const ev = (seq: number, priority: EventFrame['priority'] = 'normal'): EventFrame => ({
  type: 'event',
  id: `id-${seq}`,
  seq,
  event: 'zone_created',
  category: 'dns',
  priority,
  ts: new Date(0).toISOString(),
  data: EXAMPLE_EVENTS.zone_created,
  meta: { actor: null, zone: null },
});
const batch = (through: number, ...seqs: number[]): StreamItem => ({
  kind: 'batch',
  epoch: E,
  frame: { type: 'batch', through, events: seqs.map((s) => ev(s)) },
});
const welcome = (head: number, resume: WelcomeFrame['resume'], requested?: number): StreamItem =>
  ({
    kind: 'welcome',
    frame: { type: 'welcome', position: { epoch: E, seq: head }, resume, subscriptions: [] },
    ...(requested !== undefined ? { requested: { epoch: E, seq: requested } } : {}),
  }) as unknown as StreamItem;

function tab() {
  const seqs: number[] = [];
  const resyncs: string[] = [];
  const stream = new TabStream(() => true, {
    event: (e) => seqs.push(e.seq),
    welcome: () => undefined,
    resync: (r) => resyncs.push(r.reason),
  });
  return { stream, seqs, resyncs };
}

describe('TabStream', () => {
  it('a tab that opens mid-stream starts with the first relayed batch', () => {
    const t = tab();
    t.stream.apply(batch(5, 4, 5));
    expect(t.seqs).toEqual([4, 5]);
    expect(t.stream.position).toEqual({ epoch: E, seq: 5 });
  });

  it('drops the overlap a new leader replays and delivers what is new, once', () => {
    const t = tab();
    t.stream.apply(
      welcome(0, { requested: false, ok: false, replayed: 0, reason: 'not_requested' }),
    );
    t.stream.apply(batch(3, 1, 2, 3));
    // The new leader resumed from 1 (the slowest tab): 2 and 3 come again, then 4.
    t.stream.apply(welcome(4, { requested: true, ok: true, replayed: 3 }, 1));
    t.stream.apply(batch(4, 2, 3, 4));
    t.stream.apply(batch(4, 4));
    expect(t.seqs).toEqual([1, 2, 3, 4]);
    expect(t.resyncs).toEqual([]);
  });

  it('keeps critical events that overtook the watermark from repeating', () => {
    const t = tab();
    t.stream.apply(batch(1, 1));
    t.stream.apply({
      kind: 'batch',
      epoch: E,
      frame: { type: 'batch', through: 1, events: [ev(3, 'critical')] },
    });
    t.stream.apply(batch(3, 2, 3));
    expect(t.seqs).toEqual([1, 3, 2]);
    expect(t.stream.position?.seq).toBe(3);
  });

  it('resyncs a tab that stands before the resume point, or when the resume failed', () => {
    const behind = tab();
    behind.stream.apply(batch(2, 1, 2));
    behind.stream.apply(welcome(9, { requested: true, ok: true, replayed: 1 }, 8));
    expect(behind.resyncs).toEqual(['resume_failed']);
    expect(behind.stream.position?.seq).toBe(9);

    const failed = tab();
    failed.stream.apply(batch(2, 1, 2));
    failed.stream.apply(
      welcome(50, { requested: true, ok: false, replayed: 0, reason: 'too_old' }, 2),
    );
    expect(failed.resyncs).toEqual(['too_old']);

    const fresh = tab();
    fresh.stream.apply(
      welcome(7, { requested: false, ok: false, replayed: 0, reason: 'not_requested' }),
    );
    expect(fresh.resyncs).toEqual([]);
    expect(fresh.stream.position?.seq).toBe(7);
  });
});
