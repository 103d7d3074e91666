/** How the batching window widens with the hub's load; see `AdaptiveWindow`. */
export interface AdaptiveWindowOptions {
  /** The configured window (`batchDelayMs`): the window when idle and the lower bound. */
  baseMs: number;
  /**
   * Deliveries per second (an event queued for one session counts once) at and below which
   * the window stays at `baseMs`.
   */
  widenFromPerSec: number;
  /**
   * The bound of the rate's term, as a multiple of `baseMs` (≥ 1). 1 turns all widening off,
   * the cost's term included.
   */
  maxFactor: number;
  /** Time constant of the decaying rate estimate, in ms. */
  tauMs: number;
  /**
   * Under load (rate over `widenFromPerSec`), about the largest share of the process's time the
   * flush rounds should take: with R the writing time of the recent rounds (see `windowMs`),
   * the window is at least R × (1 / flushShare − 1), i.e. 2R for the default 1/3. In (0, 1];
   * 1 turns the cost's term off.
   */
  flushShare: number;
  /** The bound of the cost's term, as a multiple of `baseMs` (≥ 1). */
  busyMaxFactor: number;
}

interface Round {
  ms: number;
  at: number;
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
 * `roundMs` is the smaller writing time of the last two flush rounds (`noteRound`), a round
 * older than `tauMs` counting as 0: one round slowed by a GC pause, or an old burst before a
 * quiet spell, does not widen the window.
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
 * the machine's speed. The share is approximate: the window is sized from rounds already run,
 * and not beyond `busyMaxFactor`.
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
  /** The last two flush rounds' writing time (ms) and end (performance.now()), newest first. */
  private readonly rounds: [Round, Round] = [
    { ms: 0, at: Number.NEGATIVE_INFINITY },
    { ms: 0, at: Number.NEGATIVE_INFINITY },
  ];

  constructor(options: Partial<AdaptiveWindowOptions> & { baseMs: number }) {
    this.options = { ...DEFAULT_ADAPTIVE_WINDOW, ...options };
    const { maxFactor, tauMs, flushShare, busyMaxFactor } = this.options;
    if (!(maxFactor >= 1)) throw new Error('maxFactor must be ≥ 1');
    if (!(tauMs > 0)) throw new Error('tauMs must be > 0');
    if (!(flushShare > 0 && flushShare <= 1)) throw new Error('flushShare must be in (0, 1]');
    if (!(busyMaxFactor >= 1)) throw new Error('busyMaxFactor must be ≥ 1');
  }

  /**
   * A flush round ended at `now`; it spent `busyMs` writing (its slices, not the yields
   * between).
   */
  noteRound(busyMs: number, now: number): void {
    const [newest, older] = this.rounds;
    older.ms = newest.ms;
    older.at = newest.at;
    newest.ms = busyMs;
    newest.at = now;
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
    const roundMs = this.recentRoundMs(now);
    const byCost = Math.min(busyMaxFactor, (roundMs * (1 / flushShare - 1)) / baseMs);
    return Math.round(baseMs * Math.max(byRate, byCost));
  }

  /** The smaller writing time of the last two rounds, a round older than `tauMs` counting 0. */
  private recentRoundMs(now: number): number {
    const [newest, older] = this.rounds;
    const fresh = (r: Round): number => (now - r.at <= this.options.tauMs ? r.ms : 0);
    return Math.min(fresh(newest), fresh(older));
  }

  private decay(now: number): void {
    const age = now - this.at;
    if (age > 0) {
      this.weight *= Math.exp(-age / this.options.tauMs);
      this.at = now;
    }
  }
}
