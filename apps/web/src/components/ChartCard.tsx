/**
 * A dashboard card holding one live chart: a title with a figure beside it, an optional notice,
 * the uPlot chart of `buffer`, and `waiting` while the buffer is still empty. The panel using it
 * subscribes to the buffer (useSeries), since its figure is computed from the same data.
 */
import type { ReactNode } from 'react';
import type { SeriesBuffer } from './series-buffer';
import { UplotChart, type ChartSeries } from './UplotChart';

export interface ChartCardProps {
  /** Prefix of the title's element id (`<id>-title`). */
  id: string;
  title: string;
  span: 'span-2' | 'span-3';
  testId?: string;
  /** Beside the title: the current value(s). */
  figure?: ReactNode;
  /** Between the header and the chart (e.g. a sampling notice). */
  notice?: ReactNode;
  buffer: SeriesBuffer;
  series: readonly ChartSeries[];
  label: string;
  formatValue: (v: number) => string;
  /** The y axis' labels, if shorter than formatValue's. */
  formatTick?: (v: number) => string;
  /** Shown under the chart while nothing has arrived; null for nothing. */
  waiting: ReactNode;
}

export function ChartCard(props: ChartCardProps): ReactNode {
  const titleId = `${props.id}-title`;
  return (
    <article
      className={`card ${props.span}`}
      aria-labelledby={titleId}
      {...(props.testId ? { 'data-testid': props.testId } : {})}
    >
      <header className="card-head">
        <h2 id={titleId}>{props.title}</h2>
        {props.figure}
      </header>
      {props.notice}
      <UplotChart
        buffer={props.buffer}
        series={props.series}
        label={props.label}
        minSpanSec={60}
        formatValue={props.formatValue}
        formatTick={props.formatTick}
      />
      {props.buffer.length === 0 && props.waiting !== null && (
        <p className="muted small">{props.waiting}</p>
      )}
    </article>
  );
}
