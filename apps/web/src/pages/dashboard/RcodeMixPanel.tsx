/**
 * The response-code mix over time (query_stats.rcodes, dnstap only): responses per second that
 * succeeded, named no such domain, failed, or other. A rise of NXDOMAIN or SERVFAIL is often the
 * first sign of a broken client, a flood or a failing upstream.
 */
import type { ReactNode } from 'react';
import { ChartCard } from '../../components/ChartCard';
import { useSeries } from '../../components/use-series';
import { formatNumber } from '../../format';
import { useMetricsHistory } from './metrics-history';

const SERIES = [
  { label: 'NOERROR', stroke: '#3b82f6' },
  { label: 'NXDOMAIN', stroke: '#f59e0b' },
  { label: 'SERVFAIL', stroke: '#ef4444' },
  { label: 'other', stroke: '#8a94a6' },
] as const;

export function RcodeMixPanel(): ReactNode {
  const history = useMetricsHistory();
  useSeries(history.rcodes);
  const latest = history.latestOfChartWindow()?.rcodes;
  const total = latest ? Object.values(latest).reduce((a, b) => a + b, 0) : 0;
  const share = (code: string) =>
    latest && total > 0 ? `${formatNumber(((latest[code] ?? 0) / total) * 100, 1)}%` : '—';
  return (
    <ChartCard
      id="rcode"
      title="Response codes"
      span="span-2"
      testId="rcode-panel"
      figure={
        latest &&
        total > 0 && (
          <span className="muted small" data-testid="rcode-shares">
            NXDOMAIN {share('NXDOMAIN')} · SERVFAIL {share('SERVFAIL')}
          </span>
        )
      }
      buffer={history.rcodes}
      series={SERIES}
      label="Responses per second by response code over time"
      formatValue={(v) => formatNumber(v, 1)}
      waiting="Response codes come from dnstap; waiting for the first answered queries…"
    />
  );
}
