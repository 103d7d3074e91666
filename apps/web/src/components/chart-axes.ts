/**
 * Axis geometry and tick labels of the uPlot charts: x ticks at least one label width (plus a
 * gap) apart, so clock times never run together however narrow the chart; y axes as wide as
 * their longest label, so "1,000 ms" or "39.1 KB/s" is never cut; compact numbers so those
 * labels stay short.
 */
import { formatNumber } from '../format';

/** uPlot's default axis font, set on the axes so that what is measured is what is drawn. */
export const AXIS_FONT =
  '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';

/** Width of a text in CSS pixels. */
export type Measure = (text: string) => number;

/** Smallest blank between two x labels, in CSS pixels. */
export const LABEL_GAP = 16;

/** Width of the widest label (0 for none). */
export function widestLabel(
  labels: readonly (string | null | undefined)[],
  measure: Measure,
): number {
  let widest = 0;
  for (const label of labels) if (label) widest = Math.max(widest, measure(label));
  return widest;
}

/**
 * uPlot's `space` for the x axis: the smallest distance between two ticks. uPlot picks the
 * smallest time increment whose ticks are at least this far apart, so labels as wide as the
 * widest of `labels` keep `gap` between them.
 */
export function tickSpace(
  labels: readonly (string | null | undefined)[],
  measure: Measure,
  gap = LABEL_GAP,
): number {
  return Math.ceil(widestLabel(labels, measure) + gap);
}

/**
 * uPlot's `size` for a y axis: its tick marks, the gap after them, the widest label and a
 * margin, at least `min`.
 */
export function axisWidth(
  labels: readonly (string | null | undefined)[],
  measure: Measure,
  { tickSize = 10, gap = 5, margin = 6, min = 36 } = {},
): number {
  return Math.max(min, Math.ceil(tickSize + gap + widestLabel(labels, measure) + margin));
}

/** 0.5 → "0.5", 950 → "950", 1234 → "1.2 k", 12_345 → "12 k", 1_500_000 → "1.5 M". */
export function compactNumber(v: number): string {
  const a = Math.abs(v);
  if (a < 1000) return formatNumber(v, a < 10 ? 1 : 0);
  const [div, unit] = a < 1e6 ? [1e3, 'k'] : a < 1e9 ? [1e6, 'M'] : [1e9, 'G'];
  const n = v / div;
  return `${formatNumber(n, Math.abs(n) < 10 ? 1 : 0)} ${unit}`;
}

/** Milliseconds for an axis: 4 → "4 ms", 0.5 → "0.5 ms", 1000 → "1 s", 1500 → "1.5 s". */
export function compactMs(v: number): string {
  const a = Math.abs(v);
  if (a < 1000) return `${formatNumber(v, a < 10 ? 1 : 0)} ms`;
  return `${formatNumber(v / 1000, a < 10_000 ? 1 : 0)} s`;
}

let context: CanvasRenderingContext2D | null | undefined;

/**
 * Width of `text` drawn in `font`, from a shared canvas; without one (no DOM), an estimate
 * that errs wide for 12 px text.
 */
export function measureText(text: string, font = AXIS_FONT): number {
  if (context === undefined) {
    try {
      context =
        typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
    } catch {
      context = null;
    }
  }
  if (!context) return text.length * 7.5;
  context.font = font;
  return context.measureText(text).width;
}
