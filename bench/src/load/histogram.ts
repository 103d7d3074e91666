/**
 * Latency histogram in ms with ~1% relative precision (log buckets from 1 µs to ~10^5 s),
 * mergeable across processes. The maximum is kept exactly.
 */
const MIN = 0.001;
const GROWTH = Math.log(1.01);
const BUCKETS = 2600;

export interface HistogramData {
  counts: Uint32Array;
  count: number;
  max: number;
}

export class Histogram {
  counts = new Uint32Array(BUCKETS);
  count = 0;
  max = 0;

  add(ms: number): void {
    const i = ms <= MIN ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN) / GROWTH));
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  merge(other: HistogramData): void {
    for (let i = 0; i < BUCKETS; i++)
      this.counts[i] = (this.counts[i] ?? 0) + (other.counts[i] ?? 0);
    this.count += other.count;
    this.max = Math.max(this.max, other.max);
  }

  /** Upper bound of the bucket holding quantile q (0..1); NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const target = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= target) return Math.min(this.max, MIN * Math.exp(i * GROWTH));
    }
    return this.max;
  }

  data(): HistogramData {
    return { counts: this.counts, count: this.count, max: this.max };
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.max = 0;
  }
}
