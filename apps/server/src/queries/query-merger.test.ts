import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QueryFacts } from './query-facts.js';
import { COMPLETE_WITHIN_MS, QueryMerger, type EmitKind } from './query-merger.js';

function facts(over: Partial<QueryFacts> = {}): QueryFacts {
  return {
    ts: '2026-12-06T12:00:00.000Z',
    tsMs: Date.parse('2026-12-06T12:00:00.000Z'),
    clientIp: '192.0.2.7',
    clientPort: 40000,
    transport: 'udp',
    qname: 'www.example.test',
    qtype: 'A',
    qclass: 'IN',
    rcode: null,
    flags: '+E(0)K',
    responseFlags: null,
    answerCount: null,
    answer: null,
    responseSize: null,
    latencyMs: null,
    blocked: false,
    rpzAction: null,
    node: null,
    server: '127.0.0.1',
    source: 'querylog',
    ...over,
  };
}

const answered = (over: Partial<QueryFacts> = {}): QueryFacts =>
  facts({
    source: 'dnstap',
    rcode: 'NOERROR',
    responseFlags: 'qr aa rd',
    answerCount: 1,
    answer: 'A 192.0.2.10',
    responseSize: 64,
    latencyMs: 1,
    node: 'n1',
    ...over,
  });

interface Emitted {
  kind: EmitKind;
  id: string | null;
  facts: QueryFacts;
}

/** `completeWithinMs: null` keeps the module's default. */
function harness(
  opts: { holdMs?: number; completeWithinMs?: number | null; publish?: boolean } = {},
) {
  const emitted: Emitted[] = [];
  const recorded: QueryFacts[] = [];
  const merger = new QueryMerger({
    holdMs: opts.holdMs ?? 50,
    ...(opts.completeWithinMs === null ? {} : { completeWithinMs: opts.completeWithinMs ?? 1000 }),
    maxPending: 3,
    emit: (f, kind, id) => {
      emitted.push({ kind, id, facts: f });
      return opts.publish ?? true;
    },
    record: (f) => recorded.push(f),
  });
  return { merger, emitted, recorded };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('QueryMerger', () => {
  it('joins a logged query with its answer inside the hold: one complete event', () => {
    vi.useFakeTimers();
    const { merger, emitted, recorded } = harness();
    merger.logged(facts({ view: 'internal', ecs: '198.51.100.0/24' }));
    vi.advanceTimersByTime(20);
    merger.answer(answered());
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({ kind: 'complete', id: null });
    expect(emitted[0]?.facts).toMatchObject({
      source: 'dnstap',
      rcode: 'NOERROR',
      view: 'internal',
      ecs: '198.51.100.0/24',
    });
    expect(recorded).toHaveLength(1);
    vi.advanceTimersByTime(5000);
    expect(emitted).toHaveLength(1);
    expect(merger.pending()).toEqual({ held: 0, early: 0, answered: 0, settled: 0 });
    merger.stop();
  });

  it('publishes a late answer as early + completion under one id, recording it once', () => {
    vi.useFakeTimers();
    const { merger, emitted, recorded } = harness();
    merger.logged(facts());
    vi.advanceTimersByTime(49);
    expect(emitted).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]?.kind).toBe('early');
    const id = emitted[0]?.id;
    expect(id).toMatch(/^q/);
    expect(recorded).toHaveLength(0);
    vi.advanceTimersByTime(900);
    merger.answer(answered());
    expect(emitted[1]).toMatchObject({ kind: 'completion', id });
    expect(emitted[1]?.facts.rcode).toBe('NOERROR');
    expect(recorded.map((r) => r.source)).toEqual(['dnstap']);
    merger.stop();
  });

  it('records the logged query alone when no answer comes, and never publishes twice', () => {
    vi.useFakeTimers();
    const { merger, emitted, recorded } = harness();
    merger.logged(facts());
    vi.advanceTimersByTime(50 + 1000);
    expect(emitted.map((e) => e.kind)).toEqual(['early']);
    expect(recorded.map((r) => r.source)).toEqual(['querylog']);
    merger.answer(answered());
    // Too late to complete: its query is stored already, so the facts make no second row.
    expect(emitted.map((e) => e.kind)).toEqual(['early']);
    expect(recorded).toHaveLength(1);
    merger.stop();
  });

  it.each([10_000, 30_000])(
    "completes a query whose SERVFAIL comes after named's %i ms resolver timeout: one row",
    (timeoutMs) => {
      vi.useFakeTimers();
      // The default window: named's resolver-query-timeout is 10 s by default, 30 s at most.
      const { merger, emitted, recorded } = harness({ completeWithinMs: null });
      const t0 = Date.parse('2026-12-06T12:00:00.000Z');
      merger.logged(facts({ tsMs: t0, qname: 'slowtwo.org' }));
      vi.advanceTimersByTime(50);
      expect(emitted.map((e) => e.kind)).toEqual(['early']);
      // named answers SERVFAIL when its resolver gives up; dnstap brings it ~2 s later.
      vi.advanceTimersByTime(timeoutMs + 2000);
      expect(recorded).toHaveLength(0);
      const servfail = { rcode: 'SERVFAIL', answerCount: 0, answer: null };
      merger.answer(
        answered({ tsMs: t0 + timeoutMs, latencyMs: timeoutMs, qname: 'slowtwo.org', ...servfail }),
      );
      expect(emitted.map((e) => [e.kind, e.id])).toEqual([
        ['early', emitted[0]?.id],
        ['completion', emitted[0]?.id],
      ]);
      expect(emitted[1]?.facts).toMatchObject({ rcode: 'SERVFAIL', latencyMs: timeoutMs });
      expect(recorded.map((r) => [r.source, r.rcode])).toEqual([['dnstap', 'SERVFAIL']]);
      vi.advanceTimersByTime(10 * COMPLETE_WITHIN_MS);
      expect(emitted).toHaveLength(2);
      expect(recorded).toHaveLength(1);
      expect(merger.pending()).toEqual({ held: 0, early: 0, answered: 0, settled: 0 });
      merger.stop();
    },
  );

  it('drops dnstap facts that come after the settle window: no second row, live or stored', () => {
    vi.useFakeTimers();
    const { merger, emitted, recorded } = harness({ completeWithinMs: null });
    const t0 = Date.parse('2026-12-06T12:00:00.000Z');
    merger.logged(facts({ tsMs: t0 }));
    vi.advanceTimersByTime(50 + COMPLETE_WITHIN_MS);
    // Settled alone: published once (partial), stored once without answer facts.
    expect(emitted.map((e) => e.kind)).toEqual(['early']);
    expect(recorded.map((r) => r.source)).toEqual(['querylog']);
    expect(merger.pending()).toEqual({ held: 0, early: 0, answered: 0, settled: 1 });
    const lateMs = COMPLETE_WITHIN_MS + 5000;
    merger.answer(answered({ tsMs: t0 + lateMs, latencyMs: lateMs, rcode: 'SERVFAIL' }));
    expect(emitted.map((e) => e.kind)).toEqual(['early']);
    expect(recorded).toHaveLength(1);
    expect(merger.counters).toMatchObject({ late: 1, answerOnly: 0 });
    expect(merger.pending().settled).toBe(0);
    // A later query from the same client port is a new query, not a late answer.
    merger.answer(answered({ tsMs: t0 + lateMs + 1000, latencyMs: 1 }));
    expect(emitted.map((e) => e.kind)).toEqual(['early', 'complete']);
    expect(recorded.map((r) => r.source)).toEqual(['querylog', 'dnstap']);
    merger.stop();
  });

  it('remembers settled queries for a while and at most maxPending of them', () => {
    vi.useFakeTimers();
    const { merger, recorded } = harness();
    // maxPending is 3: five queries settled alone, the two oldest forgotten first.
    for (let i = 0; i < 5; i++) merger.logged(facts({ clientPort: 5000 + i }));
    vi.advanceTimersByTime(50 + 1000);
    expect(recorded).toHaveLength(5);
    expect(merger.pending()).toEqual({ held: 0, early: 0, answered: 0, settled: 3 });
    vi.advanceTimersByTime(1000);
    expect(merger.pending().settled).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    merger.stop();
  });

  it('publishes an answer that comes first at once and drops its log line', () => {
    vi.useFakeTimers();
    const { merger, emitted, recorded } = harness();
    merger.answer(answered());
    merger.logged(facts());
    vi.advanceTimersByTime(5000);
    expect(emitted.map((e) => e.kind)).toEqual(['complete']);
    expect(recorded).toHaveLength(1);
    merger.stop();
  });

  it('drops the log lines of answers published first, also past maxPending', () => {
    vi.useFakeTimers();
    const { merger, emitted, recorded } = harness();
    // maxPending is 3: five answers first, then their five lines.
    for (let i = 0; i < 5; i++) merger.answer(answered({ clientPort: 3000 + i }));
    expect(merger.pending().answered).toBe(3);
    for (let i = 0; i < 5; i++) merger.logged(facts({ clientPort: 3000 + i }));
    // The two oldest were forgotten (bounded): their lines are held like new queries.
    expect(merger.pending()).toEqual({ held: 2, early: 0, answered: 0, settled: 0 });
    vi.advanceTimersByTime(50);
    expect(emitted.filter((e) => e.kind === 'complete')).toHaveLength(5);
    expect(emitted.filter((e) => e.kind === 'early').map((e) => e.facts.clientPort)).toEqual([
      3000, 3001,
    ]);
    expect(recorded).toHaveLength(5);
    merger.stop();
  });

  it('matches equal keys in order and keeps other clients apart', () => {
    vi.useFakeTimers();
    const { merger, emitted } = harness();
    merger.logged(facts({ ts: 'first' }));
    merger.logged(facts({ ts: 'second' }));
    merger.logged(facts({ clientPort: 40001, ts: 'other' }));
    merger.answer(answered({ clientPort: 40001 }));
    merger.answer(answered());
    expect(emitted.map((e) => e.kind)).toEqual(['complete', 'complete']);
    vi.advanceTimersByTime(50);
    expect(emitted.map((e) => e.kind)).toEqual(['complete', 'complete', 'early']);
    expect(emitted[2]?.facts.ts).toBe('second');
    merger.stop();
  });

  it('never completes a query with the answer of a later one under the same key', () => {
    vi.useFakeTimers();
    const { merger, emitted, recorded } = harness({ completeWithinMs: 10_000 });
    const t0 = Date.parse('2026-12-06T12:00:00.000Z');
    merger.logged(facts({ tsMs: t0, ts: 'first' }));
    vi.advanceTimersByTime(50); // published early; its dnstap never comes
    merger.logged(facts({ tsMs: t0 + 5000, ts: 'second' }));
    vi.advanceTimersByTime(50); // the second is early too
    merger.answer(answered({ tsMs: t0 + 5001, latencyMs: 1 }));
    const [first, second] = emitted.filter((e) => e.kind === 'early');
    const completion = emitted.find((e) => e.kind === 'completion');
    expect(completion?.id).toBe(second?.id);
    expect(completion?.id).not.toBe(first?.id);
    // The first is recorded alone (logged only), the second with its answer: once each.
    expect(recorded.map((r) => r.source)).toEqual(['querylog', 'dnstap']);
    merger.stop();
  });

  it('sends no completion for an early event that was not published (sampled out)', () => {
    vi.useFakeTimers();
    const { merger, emitted, recorded } = harness({ publish: false });
    merger.logged(facts());
    vi.advanceTimersByTime(50);
    merger.answer(answered());
    expect(emitted.map((e) => e.kind)).toEqual(['early']);
    expect(recorded).toHaveLength(1);
    merger.stop();
  });

  it('is bounded: past maxPending the oldest held query is published early', () => {
    vi.useFakeTimers();
    const { merger, emitted } = harness();
    for (let i = 0; i < 4; i++) merger.logged(facts({ clientPort: 1000 + i }));
    expect(emitted.map((e) => e.facts.clientPort)).toEqual([1000]);
    expect(merger.pending().held).toBe(3);
    merger.stop();
  });

  it('stop() publishes what is held, records what waits, clears its timer; idempotent', () => {
    vi.useFakeTimers();
    const { merger, emitted, recorded } = harness();
    merger.logged(facts());
    merger.logged(facts({ clientPort: 2 }));
    merger.stop();
    merger.stop();
    expect(emitted.map((e) => e.kind)).toEqual(['early', 'early']);
    expect(recorded).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
    merger.logged(facts());
    expect(emitted).toHaveLength(2);
  });
});
