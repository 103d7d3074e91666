/** Queries per second, live (query_stats), as a uPlot line chart with the current value. */
import type { ReactNode } from 'react';
import { UplotChart } from '../../components/UplotChart';
import { useSeries } from '../../components/use-series';
import { formatNumber } from '../../format';
import { useMetricsHistory } from './metrics-history';

const SERIES = [
  { label: 'queries/s', stroke: '#3b82f6', fill: 'rgba(59,130,246,0.12)' },
  { label: 'blocked/s', stroke: '#ef4444' },
] as const;

export function QpsPanel(): ReactNode {
  const history = useMetricsHistory();
  useSeries(history.qps);
  const qps = history.qps.last(0);
  const latest = history.latestOfChartWindow();
  return (
    <article className="card span-3" aria-labelledby="qps-title">
      <header className="card-head">
        <h2 id="qps-title">Queries per second</h2>
        <span className="big-number" data-testid="qps-value">
          {qps === undefined ? '—' : formatNumber(qps, 1)}
        </span>
      </header>
      {latest?.sampled && <p className="notice small">Estimated from a sampled query stream.</p>}
      <UplotChart
        buffer={history.qps}
        series={SERIES}
        label="Queries per second over time"
        minSpanSec={60}
        formatValue={(v) => formatNumber(v, 1)}
      />
      {history.qps.length === 0 && !latest && (
        <p className="muted small">Waiting for the first statistics from the server…</p>
      )}
    </article>
  );
}
