export interface SlidingWindowCounterOptions {
  /** Hits within the window at which a key is blocked. */
  limit: number;
  windowMs: number;
  now?: () => number;
  /** Bound on tracked keys (oldest-touched dropped first), so sprayed keys cannot exhaust memory. */
  maxKeys?: number;
  /** How often stale keys are swept; 0 disables the timer (call `sweep()` yourself). */
  sweepIntervalMs?: number;
}

export interface CounterState {
  blocked: boolean;
  /** Milliseconds until the key is unblocked (0 when not blocked). */
  retryAfterMs: number;
  count: number;
}

/**
 * Counts hits per key over a sliding window. Only the newest `limit` timestamps per key are
 * kept: that is all it takes to know whether a key is blocked and until when.
 */
export class SlidingWindowCounter {
  private readonly hits = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly maxKeys: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: SlidingWindowCounterOptions) {
    this.now = opts.now ?? Date.now;
    this.maxKeys = opts.maxKeys ?? 100_000;
    const interval = opts.sweepIntervalMs ?? Math.min(opts.windowMs, 60_000);
    if (interval > 0) {
      this.timer = setInterval(() => this.sweep(), interval);
      this.timer.unref();
    }
  }

  private live(key: string, now: number): number[] {
    const list = this.hits.get(key);
    if (!list) return [];
    const cutoff = now - this.opts.windowMs;
    while (list.length > 0 && (list[0] ?? 0) <= cutoff) list.shift();
    if (list.length === 0) this.hits.delete(key);
    return list;
  }

  state(key: string): CounterState {
    const now = this.now();
    const list = this.live(key, now);
    if (list.length < this.opts.limit)
      return { blocked: false, retryAfterMs: 0, count: list.length };
    const oldest = list[list.length - this.opts.limit] ?? now;
    return {
      blocked: true,
      retryAfterMs: Math.max(oldest + this.opts.windowMs - now, 1),
      count: list.length,
    };
  }

  hit(key: string): void {
    const now = this.now();
    const list = this.live(key, now);
    list.push(now);
    if (list.length > this.opts.limit) list.splice(0, list.length - this.opts.limit);
    // Re-insert so Map order is least recently touched first.
    this.hits.delete(key);
    this.hits.set(key, list);
    while (this.hits.size > this.maxKeys) {
      const first = this.hits.keys().next();
      if (first.done) break;
      this.hits.delete(first.value);
    }
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  /**
   * Takes back the newest hit of `key` (a reservation that turned out not to count, e.g. a
   * successful login). The newest goes: it is the one the caller just added, unless others
   * were added since, and then the count is what matters.
   */
  release(key: string): void {
    const list = this.live(key, this.now());
    list.pop();
    if (list.length === 0) this.hits.delete(key);
  }

  /** Drops keys with no hit inside the window. */
  sweep(): void {
    const now = this.now();
    for (const key of [...this.hits.keys()]) this.live(key, now);
  }

  get size(): number {
    return this.hits.size;
  }

  /** Stops the sweep timer. Idempotent. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.hits.clear();
  }
}
