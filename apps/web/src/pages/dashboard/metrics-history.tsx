/**
 * Chart history for the dashboard, kept for the whole signed-in session (not per page view), so
 * the charts are full when you come back. Seeded once from the event history, then fed live.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { EventDataOf, EventType } from '@hdns/protocol';
import { useApi } from '../../auth/auth-context';
import { SeriesBuffer } from '../../components/series-buffer';
import { useDashboardClient } from '../../realtime/client-context';

/** The part of a live or stored event the charts read. */
type Sample<T extends EventType> = { ts: string; data: EventDataOf<T> };

/** The rcodes charted on their own; every other code is summed as "other". */
export const RCODE_SERIES = ['NOERROR', 'NXDOMAIN', 'SERVFAIL'] as const;

/** Responses per second of each charted rcode, then of all others. */
export function rcodeRates(rcodes: Record<string, number>, windowSec: number): number[] {
  const named: readonly string[] = RCODE_SERIES;
  let other = 0;
  for (const [code, n] of Object.entries(rcodes)) if (!named.includes(code)) other += n;
  return [...RCODE_SERIES.map((c) => rcodes[c] ?? 0), other].map((n) => n / windowSec);
}

export class MetricsHistory {
  /** Queries per second, blocked per second. */
  readonly qps = new SeriesBuffer(2);
  readonly cpu = new SeriesBuffer(1);
  readonly memory = new SeriesBuffer(1);
  readonly disk = new SeriesBuffer(1);
  /** Received, sent (bytes per second). */
  readonly network = new SeriesBuffer(2);
  /** Responses per second by rcode: NOERROR, NXDOMAIN, SERVFAIL, other (dnstap only). */
  readonly rcodes = new SeriesBuffer(RCODE_SERIES.length + 1);
  /** Response time p50, p99 in ms (dnstap only). */
  readonly latency = new SeriesBuffer(2);
  /** The qps chart follows the shortest stats window the server publishes (the most live). */
  private window = Infinity;
  /** Newest stats per window; the top lists read the longest window (the most meaningful). */
  private readonly byWindow = new Map<number, EventDataOf<'query_stats'>>();

  addStats(e: Sample<'query_stats'>): void {
    const d = e.data;
    this.byWindow.set(d.windowSec, d);
    if (d.windowSec < this.window) this.window = d.windowSec;
    if (d.windowSec !== this.window) return;
    const t = Date.parse(e.ts);
    this.qps.push(t, [d.qps, (d.blocked ?? 0) / d.windowSec]);
    // The server leaves rcodes out of a window without answers: a quiet second is zero once
    // the chart has started, but text-log statistics (queries, no answers) add no point
    // rather than a false zero.
    if (d.rcodes) this.rcodes.push(t, rcodeRates(d.rcodes, d.windowSec));
    else if (d.total === 0 && this.rcodes.length > 0) this.rcodes.push(t, rcodeRates({}, 1));
    if (d.latencyMs && d.latencyMs.count > 0) {
      this.latency.push(t, [d.latencyMs.p50, d.latencyMs.p99]);
    }
  }

  /** Stats of the window the qps chart shows, if any. */
  latestOfChartWindow(): EventDataOf<'query_stats'> | undefined {
    return this.byWindow.get(this.window);
  }

  /** Stats of the longest window seen, if any. */
  longestWindow(): EventDataOf<'query_stats'> | undefined {
    const longest = Math.max(...this.byWindow.keys());
    return this.byWindow.get(longest);
  }

  addMetrics(e: Sample<'system_metrics'>): void {
    const d = e.data;
    const t = Date.parse(e.ts);
    this.cpu.push(t, [d.cpu.percent]);
    this.memory.push(t, [d.memory.percent]);
    this.disk.push(t, [d.disk.percent]);
    this.network.push(t, [d.network.rxBytesPerSec, d.network.txBytesPerSec]);
  }
}

const HistoryContext = createContext<MetricsHistory | null>(null);
const SEED = 120;

export function MetricsHistoryProvider({ children }: { children: ReactNode }): ReactNode {
  const client = useDashboardClient();
  const api = useApi();
  const [history] = useState(() => new MetricsHistory());

  useEffect(() => {
    // Live first, so nothing is lost while the seed loads; the buffers ignore older points.
    const live: (() => void)[] = [];
    const early: (() => void)[] = [];
    let seeded = false;
    live.push(
      client.on('query_stats', (e) =>
        seeded ? history.addStats(e) : early.push(() => history.addStats(e)),
      ),
      client.on('system_metrics', (e) =>
        seeded ? history.addMetrics(e) : early.push(() => history.addMetrics(e)),
      ),
    );
    const controller = new AbortController();
    const load = (type: string) =>
      api.listEvents({
        query: { type, limit: SEED },
        signal: controller.signal,
      });
    Promise.all([load('query_stats'), load('system_metrics')])
      .then(([stats, metrics]) => {
        for (const e of [...stats.events].reverse())
          if (e.event === 'query_stats') history.addStats(e);
        for (const e of [...metrics.events].reverse())
          if (e.event === 'system_metrics') history.addMetrics(e);
      })
      .catch(() => {
        // No history is fine: the charts fill from live events.
      })
      .finally(() => {
        seeded = true;
        for (const f of early.splice(0)) f();
      });
    return () => {
      controller.abort();
      for (const off of live) off();
    };
  }, [client, api, history]);

  return <HistoryContext.Provider value={history}>{children}</HistoryContext.Provider>;
}

export function useMetricsHistory(): MetricsHistory {
  const history = useContext(HistoryContext);
  if (!history) throw new Error('useMetricsHistory outside <MetricsHistoryProvider>');
  return history;
}
