/**
 * Response time over time (query_stats.latencyMs, dnstap only): the median and the 99th
 * percentile, so a slow tail shows even when most answers come from the cache.
 */
import type { ReactNode } from 'react';
import { ChartCard } from '../../components/ChartCard';
import { compactMs } from '../../components/chart-axes';
import { useSeries } from '../../components/use-series';
import { formatNumber } from '../../format';
import { useMetricsHistory } from './metrics-history';

const SERIES = [
  { label: 'p50', stroke: '#10b981', fill: 'rgba(16,185,129,0.12)' },
  { label: 'p99', stroke: '#8b5cf6' },
] as const;

const ms = (v: number) => `${formatNumber(v, v < 10 ? 1 : 0)} ms`;

export function LatencyPanel(): ReactNode {
  const history = useMetricsHistory();
  useSeries(history.latency);
  const latest = history.latestOfChartWindow()?.latencyMs;
  return (
    <ChartCard
      id="latency"
      title="Response time"
      span="span-2"
      testId="latency-panel"
      figure={
        latest &&
        latest.count > 0 && (
          <span className="muted small" data-testid="latency-values">
            p50 {ms(latest.p50)} · p99 {ms(latest.p99)} · max {ms(latest.max)}
          </span>
        )
      }
      buffer={history.latency}
      series={SERIES}
      label="Response time p50 and p99 over time"
      formatValue={ms}
      formatTick={compactMs}
      waiting="Response times come from dnstap; waiting for the first answered queries…"
    />
  );
}
