/**
 * A live uPlot line chart (canvas). New points from the buffer are drawn at most once per
 * animation frame, however many arrive; the chart follows its container's width.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import uPlot from 'uplot';
import { AXIS_FONT, axisWidth, measureText, tickSpace } from './chart-axes';
import type { SeriesBuffer } from './series-buffer';

/** Canvas cannot read CSS variables: a grey that works on light and dark backgrounds. */
const AXIS = '#8a94a6';

export interface ChartSeries {
  label: string;
  stroke: string;
  fill?: string;
}

export function UplotChart({
  buffer,
  series,
  height = 160,
  yRange,
  formatValue = (v) => String(v),
  formatTick = formatValue,
  label,
  minSpanSec,
}: {
  buffer: SeriesBuffer;
  series: readonly ChartSeries[];
  height?: number;
  /** Fixed y range (e.g. [0, 100] for percentages); default: auto. */
  yRange?: [number, number];
  formatValue?: (v: number) => string;
  /** Labels of the y axis (shorter, e.g. "1.2 k"); default formatValue. */
  formatTick?: (v: number) => string;
  /** Accessible name of the chart (canvas content is not readable by screen readers). */
  label: string;
  /** Shortest time window shown, ending at the newest point (a live chart fills it leftwards). */
  minSpanSec?: number;
}): ReactNode {
  const hostRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return undefined;
    const opts: uPlot.Options = {
      width: Math.max(200, host.clientWidth),
      height,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: (_u, min, max) => timeRange(min, max, minSpanSec) },
        y: yRange ? { range: yRange } : { auto: true },
      },
      axes: [
        {
          stroke: AXIS,
          font: AXIS_FONT,
          grid: { stroke: 'rgba(128,128,128,0.15)' },
          // One row of clock times: uPlot's default adds a date row whose labels collide on
          // narrow live windows.
          values: (_u, ticks) => ticks.map((t) => clockTime(t)),
          // Ticks at least one label (plus a gap) apart: uPlot's default 50 px is narrower
          // than "22:44:20", so neighbours ran together on some widths.
          space: (_u, _i, min, max) => tickSpace([clockLabel(min), clockLabel(max)], measureText),
        },
        {
          stroke: AXIS,
          font: AXIS_FONT,
          grid: { stroke: 'rgba(128,128,128,0.15)' },
          // As wide as the longest label shown (uPlot recomputes it as the ticks change).
          size: (_u, values) => axisWidth(values ?? [], measureText),
          values: (_u, ticks) => ticks.map((v) => formatTick(v)),
        },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.stroke,
          width: 2,
          ...(s.fill ? { fill: s.fill } : {}),
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatValue(v)),
        })),
      ],
    };
    const chart = new uPlot(opts, buffer.data(), host);
    let frame = 0;
    const draw = () => {
      frame = 0;
      chart.setData(buffer.data());
    };
    const off = buffer.subscribe(() => {
      frame ||= requestAnimationFrame(draw);
    });
    const resize = new ResizeObserver(() => {
      chart.setSize({ width: Math.max(200, host.clientWidth), height });
    });
    resize.observe(host);
    return () => {
      off();
      cancelAnimationFrame(frame);
      resize.disconnect();
      chart.destroy();
    };
    // The series definition is static per chart; only the buffer identity matters.
  }, [buffer, height, minSpanSec]);

  return <div ref={hostRef} className="chart" role="img" aria-label={label} />;
}

/**
 * uPlot widens a single point (or none) to a span of years; a chart of live samples should
 * show the recent past instead.
 */
function timeRange(
  min: number | null,
  max: number | null,
  minSpanSec: number | undefined,
): uPlot.Range.MinMax {
  const end = max !== null && Number.isFinite(max) ? max : Date.now() / 1000;
  const start = min !== null && Number.isFinite(min) ? min : end;
  const span = minSpanSec ?? (end > start ? 0 : 60);
  return end - start >= span ? [start, end] : [end - span, end];
}

const CLOCK = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

function clockTime(sec: number): string {
  return CLOCK.format(new Date(sec * 1000));
}

/** A label as wide as the axis' labels, for any scale bound (even one not set yet). */
function clockLabel(sec: number): string {
  return clockTime(Number.isFinite(sec) ? sec : Date.now() / 1000);
}
