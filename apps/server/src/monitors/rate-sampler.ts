/**
 * Decides which items of a stream to publish so that at most `capPerSec` go out per second.
 *
 * Each second the sampling factor N is set from the previous second's volume
 * (N = ceil(seen / cap)); item i of the second is kept when i % N === 0 and `offer()` returns N
 * (1 = not sampled, so a kept item stands for N items). Should a burst exhaust the budget
 * inside a second before N caught up, the rest of that second is dropped (returns 0), so the
 * cap holds strictly; the next second samples at the right rate.
 */
export class RateSampler {
  private sec = -1;
  private seen = 0;
  private kept = 0;
  private every = 1;
  private exhausted = false;
  private previousSeen = 0;
  /** Last second (epoch seconds) in which items were sampled or dropped; -1 if never. */
  lastSampledSec = -1;

  constructor(
    private readonly capPerSec: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(capPerSec >= 1)) throw new RangeError('capPerSec must be >= 1');
  }

  /** 0 = drop this item; N ≥ 1 = publish it as one of N. */
  offer(): number {
    const sec = Math.floor(this.now() / 1000);
    if (sec !== this.sec) {
      this.previousSeen = sec === this.sec + 1 ? this.seen : 0;
      this.sec = sec;
      this.seen = 0;
      this.kept = 0;
      this.exhausted = false;
      this.every = Math.max(1, Math.ceil(this.previousSeen / this.capPerSec));
    }
    const i = this.seen++;
    if (this.every > 1 || this.kept >= this.capPerSec) this.lastSampledSec = sec;
    if (this.kept >= this.capPerSec) {
      this.exhausted = true;
      return 0;
    }
    if (i % this.every !== 0) return 0;
    this.kept++;
    return this.every;
  }

  /** Items offered in the last complete second (a rate estimate for messages). */
  get lastSecondRate(): number {
    const sec = Math.floor(this.now() / 1000);
    if (sec === this.sec) return this.previousSeen;
    return sec === this.sec + 1 ? this.seen : 0;
  }

  /** Current sampling factor (1 when everything is published). */
  get factor(): number {
    return this.exhausted ? Math.max(2, this.every) : this.every;
  }
}
