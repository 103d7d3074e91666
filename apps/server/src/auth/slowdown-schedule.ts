export interface SlowdownScheduleOptions {
  /** Longest an attempt may be held waiting for its slot; longer ones are refused instead. */
  maxWaitMs: number;
  /** Bound on keys tracked at once (least recently scheduled dropped first). */
  maxKeys?: number;
  now?: () => number;
}

export type SlotResult =
  | { ok: true; waitMs: number }
  | { ok: false; /** Until the slot would fit within `maxWaitMs` again. */ retryAfterMs: number };

/**
 * A per-key "next allowed time": the slots at which slowed-down login attempts for one username
 * may check their password. An attempt takes the slot max(now, next) and pushes `next` on by the
 * spacing the caller gives, so N attempts arriving together, from N addresses, are checked one
 * after another, spaced out, not all after the same delay side by side.
 *
 * Bounded: an attempt whose slot is more than `maxWaitMs` away is refused (the caller answers
 * 429 with Retry-After) without taking a slot, so the attempts held waiting per key are those
 * whose slots fit within `maxWaitMs` of now; with a spacing that is at least some positive
 * minimum that is a small, fixed number, whatever the flood.
 *
 * In memory, keyed by whatever the caller passes (a normalised username). A key whose `next` has
 * passed carries no information and is dropped when the table is full, before live ones.
 */
export class SlowdownSchedule {
  private readonly next = new Map<string, number>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly opts: SlowdownScheduleOptions) {
    this.now = opts.now ?? Date.now;
    this.maxKeys = opts.maxKeys ?? 10_000;
  }

  /**
   * Takes the key's next slot if it is at most `maxWaitMs` away, and moves the key's next slot
   * `spacingMs` after it. Synchronous: two callers can never be given the same slot.
   */
  take(key: string, spacingMs: number): SlotResult {
    const now = this.now();
    const slot = Math.max(now, this.next.get(key) ?? now);
    const waitMs = slot - now;
    if (waitMs > this.opts.maxWaitMs) {
      return { ok: false, retryAfterMs: waitMs - this.opts.maxWaitMs };
    }
    // Re-insert so Map order is least recently scheduled first.
    this.next.delete(key);
    this.next.set(key, slot + spacingMs);
    this.bound(now);
    return { ok: true, waitMs };
  }

  /** Forgets the key's schedule (its next attempt is not held). */
  clear(key: string): void {
    this.next.delete(key);
  }

  get size(): number {
    return this.next.size;
  }

  /** Drops every key. Idempotent. */
  close(): void {
    this.next.clear();
  }

  private bound(now: number): void {
    if (this.next.size <= this.maxKeys) return;
    for (const [key, at] of this.next) if (at <= now) this.next.delete(key);
    while (this.next.size > this.maxKeys) {
      const first = this.next.keys().next();
      if (first.done) break;
      this.next.delete(first.value);
    }
  }
}
