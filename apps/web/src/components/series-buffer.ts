/**
 * A fixed-size time series in uPlot's column layout ([x[], y1[], y2[] …], x in seconds). Pushes
 * are cheap and only mark it changed; charts read `data()` at most once per animation frame.
 */
import type uPlot from 'uplot';

type AlignedData = uPlot.AlignedData;

export class SeriesBuffer {
  private readonly columns: number[][];
  private readonly listeners = new Set<() => void>();
  private cached: AlignedData | undefined;

  constructor(
    readonly seriesCount: number,
    private readonly capacity = 300,
  ) {
    this.columns = Array.from({ length: seriesCount + 1 }, () => []);
  }

  get length(): number {
    return this.columns[0]?.length ?? 0;
  }

  /** Adds one point per series at time `ms`; older points than the last one are ignored. */
  push(ms: number, values: readonly number[]): void {
    const xs = this.columns[0];
    if (!xs) return;
    const t = ms / 1000;
    const last = xs[xs.length - 1];
    if (last !== undefined && t < last) return;
    xs.push(t);
    for (let i = 0; i < this.seriesCount; i++) this.columns[i + 1]?.push(values[i] ?? 0);
    if (xs.length > this.capacity) for (const c of this.columns) c.shift();
    this.cached = undefined;
    for (const l of this.listeners) l();
  }

  /** The latest value of series `i` (0-based), if any. */
  last(i: number): number | undefined {
    const c = this.columns[i + 1];
    return c?.[c.length - 1];
  }

  data(): AlignedData {
    this.cached ??= this.columns.map((c) => c.slice()) as unknown as AlignedData;
    return this.cached;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
