/**
 * Counts keys in fixed memory: past `2 × maxKeys` distinct keys the map is pruned to its
 * `maxKeys` largest counts (amortised O(1) per add). Heavy hitters survive; the long tail of
 * one-off keys (random subdomains, scanners) is forgotten, so `top()` is exact for keys that
 * stay frequent and an estimate at the edge, which is all a top-K list needs.
 */
export class BoundedCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly maxKeys = 1000) {}

  add(key: string, weight = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + weight);
    if (this.counts.size > this.maxKeys * 2) this.prune();
  }

  get size(): number {
    return this.counts.size;
  }

  clear(): void {
    this.counts.clear();
  }

  entries(): IterableIterator<[string, number]> {
    return this.counts.entries();
  }

  /** Adds every count of `other` into this counter. */
  merge(other: BoundedCounter): void {
    for (const [key, n] of other.entries()) this.add(key, n);
  }

  /** The `n` largest counts, largest first (ties by key, for stable output). */
  top(n: number): { key: string; count: number }[] {
    return [...this.counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, n)
      .map(([key, count]) => ({ key, count }));
  }

  toRecord(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  private prune(): void {
    const keep = [...this.counts].sort((a, b) => b[1] - a[1]).slice(0, this.maxKeys);
    this.counts.clear();
    for (const [key, n] of keep) this.counts.set(key, n);
  }
}
