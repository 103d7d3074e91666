/** Host metrics (system_metrics): CPU, memory, disk and network as live uPlot charts. */
import type { ReactNode } from 'react';
import { useLatest } from '@hdns/react';
import type { SeriesBuffer } from '../../components/series-buffer';
import { UplotChart, type ChartSeries } from '../../components/UplotChart';
import { useSeries } from '../../components/use-series';
import { formatBytes, formatNumber } from '../../format';
import { useMetricsHistory } from './metrics-history';

const pct = (v: number) => `${formatNumber(v, 0)}%`;
const rate = (v: number) => `${formatBytes(v)}/s`;

function MetricChart({
  title,
  value,
  buffer,
  series,
  percent,
}: {
  title: string;
  value: string;
  buffer: SeriesBuffer;
  series: readonly ChartSeries[];
  percent: boolean;
}): ReactNode {
  return (
    <div className="metric">
      <div className="metric-head">
        <h3>{title}</h3>
        <span className="metric-value">{value}</span>
      </div>
      <UplotChart
        buffer={buffer}
        series={series}
        height={120}
        label={`${title} over time`}
        formatValue={percent ? pct : rate}
        {...(percent ? { yRange: [0, 100] as [number, number] } : {})}
      />
    </div>
  );
}

export function SystemMetrics(): ReactNode {
  const h = useMetricsHistory();
  useSeries(h.cpu);
  const latest = useLatest('system_metrics')?.data;
  const cpu = latest?.cpu.percent ?? h.cpu.last(0);
  const mem = latest?.memory.percent ?? h.memory.last(0);
  const disk = latest?.disk.percent ?? h.disk.last(0);
  const rx = latest?.network.rxBytesPerSec ?? h.network.last(0);
  const tx = latest?.network.txBytesPerSec ?? h.network.last(1);
  const show = (v: number | undefined, f: (v: number) => string) => (v === undefined ? '—' : f(v));
  return (
    <article className="card span-4" aria-labelledby="sys-title">
      <header className="card-head">
        <h2 id="sys-title">System</h2>
        {latest && (
          <span className="muted small">
            {latest.cpu.cores} cores · load {latest.cpu.load1.toFixed(2)} ·{' '}
            {formatBytes(latest.memory.usedBytes)} of {formatBytes(latest.memory.totalBytes)}
          </span>
        )}
      </header>
      {h.cpu.length === 0 && !latest && (
        <p className="muted small">Waiting for the first metrics sample…</p>
      )}
      <div className="metrics-grid">
        <MetricChart
          title="CPU"
          value={show(cpu, pct)}
          buffer={h.cpu}
          series={[{ label: 'CPU', stroke: '#8b5cf6', fill: 'rgba(139,92,246,0.12)' }]}
          percent
        />
        <MetricChart
          title="Memory"
          value={show(mem, pct)}
          buffer={h.memory}
          series={[{ label: 'Memory', stroke: '#10b981', fill: 'rgba(16,185,129,0.12)' }]}
          percent
        />
        <MetricChart
          title="Disk"
          value={show(disk, pct)}
          buffer={h.disk}
          series={[{ label: 'Disk', stroke: '#f59e0b', fill: 'rgba(245,158,11,0.12)' }]}
          percent
        />
        <MetricChart
          title="Network"
          value={rx === undefined ? '—' : `↓ ${rate(rx)} ↑ ${rate(tx ?? 0)}`}
          buffer={h.network}
          series={[
            { label: 'in', stroke: '#06b6d4' },
            { label: 'out', stroke: '#ec4899' },
          ]}
          percent={false}
        />
      </div>
    </article>
  );
}
