import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

/**
 * Response times in an HDR histogram (Node's `perf_hooks.createHistogram`, HdrHistogram in C):
 * O(1) per value, fixed memory, percentiles without sorting, and histograms of many seconds
 * merge by adding. Values are microseconds from 1 µs to 60 s (slower ones count as 60 s), with
 * 2 significant figures: ≤ 1% error, about 20 KB per histogram (3 figures would be 0.1% at
 * about 140 KB, too much for one per second of a ring).
 */

const HIGHEST_US = 60_000_000;

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Microseconds to milliseconds rounded to 0.01 ms. */
const toMs = (us: number): number => Math.round(us / 10) / 100;

export class LatencyHistogram {
  private readonly h: RecordableHistogram = createHistogram({
    lowest: 1,
    highest: HIGHEST_US,
    figures: 2,
  });
  /** Exact, unlike the histogram's (the top of the value's bucket). */
  private maxUs = 0;

  /** Records `ms` (any non-negative number; sub-microsecond values count as 1 µs) `times` times. */
  recordMs(ms: number, times = 1): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const us = Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000)));
    for (let i = 0; i < times; i++) this.h.record(us);
    if (times > 0 && us > this.maxUs) this.maxUs = us;
  }

  add(other: LatencyHistogram): void {
    if (other.count === 0) return;
    this.h.add(other.h);
    this.maxUs = Math.max(this.maxUs, other.maxUs);
  }

  reset(): void {
    this.h.reset();
    this.maxUs = 0;
  }

  get count(): number {
    return this.h.count;
  }

  /**
   * The `p`th percentile (0 < p ≤ 100) in ms; 0 when empty. HDR reports the top of the value's
   * bucket, so it may read up to 1% high (3 ms as 3.01), never low.
   */
  percentileMs(p: number): number {
    return this.h.count > 0 ? toMs(this.h.percentile(p)) : 0;
  }

  summary(): LatencySummary {
    return {
      count: this.h.count,
      p50: this.percentileMs(50),
      p90: this.percentileMs(90),
      p99: this.percentileMs(99),
      max: toMs(this.maxUs),
    };
  }
}
