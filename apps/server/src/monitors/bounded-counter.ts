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

  /**
   * Keeps the `maxKeys` largest counts in O(n): the cut value by quickselect, then every key
   * above it and, in insertion order, as many at it as fit (a full sort here made a stream of
   * one-off names, such as a random-subdomain attack, cost a sort per `maxKeys` adds).
   */
  private prune(): void {
    const cut = kthLargest(Array.from(this.counts.values()), this.maxKeys);
    let atCut = this.maxKeys;
    for (const n of this.counts.values()) if (n > cut) atCut--;
    for (const [key, n] of this.counts) {
      if (n > cut) continue;
      if (n === cut && atCut > 0) atCut--;
      else this.counts.delete(key);
    }
  }
}

/** The k-th largest value (1-based) of `values`, reordering them (Hoare's quickselect). */
function kthLargest(values: number[], k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const target = Math.min(Math.max(k, 1), values.length) - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! > pivot) i++;
      while (values[j]! < pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return values[target]!;
}
