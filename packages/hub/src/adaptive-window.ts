/** How the batching window widens with the hub's delivery rate; see `AdaptiveWindow`. */
export interface AdaptiveWindowOptions {
  /** The configured window (`batchDelayMs`): the window when idle and the lower bound. */
  baseMs: number;
  /**
   * Deliveries per second (an event queued for one session counts once) at and below which
   * the window stays at `baseMs`.
   */
  widenFromPerSec: number;
  /** The upper bound, as a multiple of `baseMs`. 1 turns widening off. */
  maxFactor: number;
  /** Time constant of the decaying rate estimate, in ms. */
  tauMs: number;
}

export const DEFAULT_ADAPTIVE_WINDOW: Omit<AdaptiveWindowOptions, 'baseMs'> = {
  widenFromPerSec: 10_000,
  maxFactor: 3,
  tauMs: 1_000,
};

/**
 * The fan-out's batching window, widened with load. Why: per delivery, the server's CPU is
 * mostly the write syscall per socket per frame; at a high delivery rate a wider window puts
 * more events in each frame (fewer syscalls per event), while a quiet hub keeps the configured
 * latency.
 *
 * The rule (exact): `rate` is the number of deliveries in the last ~`tauMs`, as an exponentially
 * decaying count (each delivery weighs exp(-age / tauMs)) divided by tauMs, in deliveries/s.
 *
 *     windowMs = round(baseMs × clamp(rate / widenFromPerSec, 1, maxFactor))
 *
 * Bounds: never below `baseMs` (the configured window, exactly, whenever rate ≤
 * widenFromPerSec, and so when idle: the estimate decays to 0 without deliveries), never above
 * `baseMs × maxFactor`; `baseMs` 0 stays 0. Defaults: widening from 10,000 deliveries/s, up to
 * 3× (60 ms for the default 20 ms) from 30,000/s, e.g. 1,000 clients × 30 events/s.
 */
export class AdaptiveWindow {
  private readonly options: AdaptiveWindowOptions;
  /** The decayed count of deliveries, as of `at`. */
  private weight = 0;
  private at = 0;

  constructor(options: Partial<AdaptiveWindowOptions> & { baseMs: number }) {
    this.options = { ...DEFAULT_ADAPTIVE_WINDOW, ...options };
    if (!(this.options.maxFactor >= 1)) throw new Error('maxFactor must be ≥ 1');
    if (!(this.options.tauMs > 0)) throw new Error('tauMs must be > 0');
  }

  /** `n` deliveries happened at `now` (performance.now() milliseconds). */
  note(n: number, now: number): void {
    this.decay(now);
    this.weight += n;
  }

  /** The estimated delivery rate at `now`, in deliveries per second. */
  rate(now: number): number {
    this.decay(now);
    return (this.weight * 1000) / this.options.tauMs;
  }

  /** The window to use for a flush scheduled at `now`. */
  windowMs(now: number): number {
    const { baseMs, widenFromPerSec, maxFactor } = this.options;
    if (baseMs <= 0 || maxFactor === 1) return baseMs;
    const factor = Math.min(maxFactor, Math.max(1, this.rate(now) / widenFromPerSec));
    return Math.round(baseMs * factor);
  }

  private decay(now: number): void {
    const age = now - this.at;
    if (age > 0) {
      this.weight *= Math.exp(-age / this.options.tauMs);
      this.at = now;
    }
  }
}
