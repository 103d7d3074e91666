/**
 * Queries per second, live (query_stats), as a uPlot line chart with the current value: the
 * queries this server saw in the last second, with the 60 s average beside it (named's own
 * counter, in the BIND card, is another measure: see figure-labels.ts).
 */
import type { ReactNode } from 'react';
import { ChartCard } from '../../components/ChartCard';
import { compactNumber } from '../../components/chart-axes';
import { useSeries } from '../../components/use-series';
import { formatNumber } from '../../format';
import { qpsCaption } from './figure-labels';
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
  const rate = (v: number) => formatNumber(v, 1);
  const caption = qpsCaption(latest, history.longestWindow(), rate);
  return (
    <ChartCard
      id="qps"
      title="Queries per second"
      span="span-3"
      figure={
        <span className="figure" title="Queries this server saw, from dnstap or named's query log">
          {caption && (
            <span className="muted small" data-testid="qps-caption">
              {caption}
            </span>
          )}
          <span className="big-number" data-testid="qps-value">
            {qps === undefined ? '—' : rate(qps)}
          </span>
        </span>
      }
      notice={
        latest?.sampled && <p className="notice small">Estimated from a sampled query stream.</p>
      }
      buffer={history.qps}
      series={SERIES}
      label="Queries per second over time"
      formatValue={rate}
      formatTick={compactNumber}
      waiting={latest ? null : 'Waiting for the first statistics from the server…'}
    />
  );
}
