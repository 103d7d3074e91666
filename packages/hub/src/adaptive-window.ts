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
  /**
   * Under load (rate over `widenFromPerSec`), the largest share of the process's time the flush
   * rounds may take: after a round that spent R ms writing, the window is at least
   * R × (1 / flushShare − 1), i.e. 2R for the default 1/3. In (0, 1]; 1 turns this off.
   */
  flushShare: number;
  /** The upper bound of the window that `flushShare` asks for, as a multiple of `baseMs`. */
  busyMaxFactor: number;
}

export const DEFAULT_ADAPTIVE_WINDOW: Omit<AdaptiveWindowOptions, 'baseMs'> = {
  widenFromPerSec: 10_000,
  maxFactor: 3,
  tauMs: 1_000,
  flushShare: 1 / 3,
  busyMaxFactor: 6,
};

/**
 * The fan-out's batching window, widened with load. Why: per delivery, the server's CPU is
 * mostly the write syscall per socket per frame; at a high delivery rate a wider window puts
 * more events in each frame (fewer syscalls per event), while a quiet hub keeps the configured
 * latency.
 *
 * The rule (exact): `rate` is the number of deliveries in the last ~`tauMs`, as an exponentially
 * decaying count (each delivery weighs exp(-age / tauMs)) divided by tauMs, in deliveries/s;
 * `roundMs` is the time the last flush round spent writing (`noteRound`).
 *
 *     load     = rate / widenFromPerSec
 *     windowMs = baseMs                                       if load ≤ 1
 *              = round(baseMs × max(min(load, maxFactor),
 *                                   min(roundMs × (1 / flushShare − 1) / baseMs, busyMaxFactor)))
 *
 * The second term is for many sessions at a modest rate each (thousands of dashboards, a few
 * events a second): the rate alone would keep the window where a round of one small frame per
 * session takes most of the process, which leaves little for anything else (accepting and
 * resuming clients after a restart). It follows the measured cost, so it needs no figure for
 * the machine's speed.
 *
 * Bounds: never below `baseMs` (the configured window, exactly, whenever rate ≤
 * widenFromPerSec, and so when idle: the estimate decays to 0 without deliveries), never above
 * `baseMs × max(maxFactor, busyMaxFactor)`; `baseMs` 0 stays 0, and `maxFactor` 1 keeps it
 * fixed. Defaults: widening from 10,000 deliveries/s, by rate up to 3× (60 ms for the default
 * 20 ms) from 30,000/s, e.g. 1,000 clients × 30 events/s; by cost up to 6× (120 ms).
 */
export class AdaptiveWindow {
  private readonly options: AdaptiveWindowOptions;
  /** The decayed count of deliveries, as of `at`. */
  private weight = 0;
  private at = 0;
  /** The time the last flush round spent writing, in ms. */
  private roundMs = 0;

  constructor(options: Partial<AdaptiveWindowOptions> & { baseMs: number }) {
    this.options = { ...DEFAULT_ADAPTIVE_WINDOW, ...options };
    const { maxFactor, tauMs, flushShare, busyMaxFactor } = this.options;
    if (!(maxFactor >= 1)) throw new Error('maxFactor must be ≥ 1');
    if (!(tauMs > 0)) throw new Error('tauMs must be > 0');
    if (!(flushShare > 0 && flushShare <= 1)) throw new Error('flushShare must be in (0, 1]');
    if (!(busyMaxFactor >= 1)) throw new Error('busyMaxFactor must be ≥ 1');
  }

  /** A flush round is over; it spent `busyMs` writing (its slices, not the yields between). */
  noteRound(busyMs: number): void {
    this.roundMs = busyMs;
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
    const { baseMs, widenFromPerSec, maxFactor, flushShare, busyMaxFactor } = this.options;
    if (baseMs <= 0 || maxFactor === 1) return baseMs;
    const load = this.rate(now) / widenFromPerSec;
    if (load <= 1) return baseMs;
    const byRate = Math.min(maxFactor, load);
    const byCost = Math.min(busyMaxFactor, (this.roundMs * (1 / flushShare - 1)) / baseMs);
    return Math.round(baseMs * Math.max(byRate, byCost));
  }

  private decay(now: number): void {
    const age = now - this.at;
    if (age > 0) {
      this.weight *= Math.exp(-age / this.options.tauMs);
      this.at = now;
    }
  }
}
