/**
 * Per-key counts over a sliding window in bounded memory. The window is `slots` slots of
 * `windowMs / slots` each; a key's total is the sum of its slots still inside the window (the
 * current, partial slot and the `slots - 1` before it, so between (slots-1)/slots of the window
 * and all of it). Past `2 × maxKeys` keys, the `maxKeys` with the largest totals are kept: heavy
 * hitters, the only ones a threshold can fire for, survive a spray of one-off keys.
 */

interface KeySlots {
  counts: number[];
  ids: number[];
}

export class SlidingKeyCounts {
  private readonly keys = new Map<string, KeySlots>();
  private readonly slotMs: number;

  constructor(
    private readonly windowMs: number,
    private readonly slots = 12,
    private readonly maxKeys = 10_000,
  ) {
    this.slotMs = Math.max(1, Math.floor(windowMs / slots));
  }

  /** Adds `n` to `key` at `nowMs`; returns the key's total over the window. */
  add(key: string, nowMs: number, n = 1): number {
    const id = Math.floor(nowMs / this.slotMs);
    let k = this.keys.get(key);
    if (!k) {
      k = {
        counts: new Array<number>(this.slots).fill(0),
        ids: new Array<number>(this.slots).fill(-1),
      };
      this.keys.set(key, k);
      if (this.keys.size > this.maxKeys * 2) this.prune(nowMs);
    }
    const i = id % this.slots;
    if (k.ids[i] !== id) {
      k.ids[i] = id;
      k.counts[i] = 0;
    }
    k.counts[i] = (k.counts[i] ?? 0) + n;
    return this.sum(k, id);
  }

  total(key: string, nowMs: number): number {
    const k = this.keys.get(key);
    return k ? this.sum(k, Math.floor(nowMs / this.slotMs)) : 0;
  }

  /** Forgets keys with nothing left in the window. */
  expire(nowMs: number): void {
    const id = Math.floor(nowMs / this.slotMs);
    for (const [key, k] of this.keys) if (this.sum(k, id) === 0) this.keys.delete(key);
  }

  get size(): number {
    return this.keys.size;
  }

  private sum(k: KeySlots, id: number): number {
    let total = 0;
    for (let i = 0; i < this.slots; i++) {
      const slot = k.ids[i] ?? -1;
      if (slot > id - this.slots && slot <= id) total += k.counts[i] ?? 0;
    }
    return total;
  }

  private prune(nowMs: number): void {
    const id = Math.floor(nowMs / this.slotMs);
    const keep = [...this.keys]
      .map(([key, k]) => ({ key, k, total: this.sum(k, id) }))
      .sort((a, b) => b.total - a.total)
      .slice(0, this.maxKeys);
    this.keys.clear();
    for (const { key, k } of keep) this.keys.set(key, k);
  }
}
