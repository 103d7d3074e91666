// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { EXAMPLE_EVENTS, type EventDataOf } from '@hdns/protocol';
import { MetricsHistory, rcodeRates } from './metrics-history';

const stats = (over: Partial<EventDataOf<'query_stats'>>, ts: string) => ({
  ts,
  data: { ...EXAMPLE_EVENTS.query_stats, windowSec: 1, ...over },
});

describe('MetricsHistory DNS series', () => {
  it('charts responses per second by rcode, other codes summed', () => {
    expect(rcodeRates({ NOERROR: 10, NXDOMAIN: 4, REFUSED: 2, FORMERR: 2 }, 2)).toEqual([
      5, 2, 0, 2,
    ]);
  });

  it('adds rcode and latency points from the chart window only, and zero for a quiet second', () => {
    const h = new MetricsHistory();
    h.addStats(stats({ rcodes: { NOERROR: 3, SERVFAIL: 1 } }, '2026-01-01T00:00:01Z'));
    h.addStats({
      ts: '2026-01-01T00:00:01Z',
      data: { ...EXAMPLE_EVENTS.query_stats, windowSec: 60, rcodes: { NOERROR: 600 } },
    });
    h.addStats(
      stats(
        {
          total: 4,
          rcodes: { NXDOMAIN: 4 },
          latencyMs: { count: 4, p50: 2, p90: 5, p99: 9, max: 12 },
        },
        '2026-01-01T00:00:02Z',
      ),
    );
    h.addStats(stats({ total: 0, qps: 0, rcodes: undefined }, '2026-01-01T00:00:03Z'));
    // Queries without answers (text log only): no point rather than a false zero.
    h.addStats(stats({ total: 5, rcodes: undefined }, '2026-01-01T00:00:04Z'));
    expect(h.rcodes.data()).toEqual([
      [1767225601, 1767225602, 1767225603],
      [3, 0, 0],
      [0, 4, 0],
      [1, 0, 0],
      [0, 0, 0],
    ]);
    expect(h.latency.data()).toEqual([[1767225602], [2], [9]]);
  });
});
