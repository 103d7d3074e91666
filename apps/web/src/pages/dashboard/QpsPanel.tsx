/** Queries per second, live (query_stats), as a uPlot line chart with the current value. */
import type { ReactNode } from 'react';
import { ChartCard } from '../../components/ChartCard';
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
    <ChartCard
      id="qps"
      title="Queries per second"
      span="span-3"
      figure={
        <span className="big-number" data-testid="qps-value">
          {qps === undefined ? '—' : formatNumber(qps, 1)}
        </span>
      }
      notice={
        latest?.sampled && <p className="notice small">Estimated from a sampled query stream.</p>
      }
      buffer={history.qps}
      series={SERIES}
      label="Queries per second over time"
      formatValue={(v) => formatNumber(v, 1)}
      waiting={latest ? null : 'Waiting for the first statistics from the server…'}
    />
  );
}
