import { describe, expect, it } from 'vitest';
import { BoundedCounter } from './bounded-counter.js';

describe('BoundedCounter', () => {
  it('keeps the heavy hitters exactly while a flood of one-off keys passes through', () => {
    const c = new BoundedCounter(10);
    for (let i = 0; i < 5_000; i++) {
      c.add(`heavy${i % 3}`);
      c.add(`once${i}.random.example`);
    }
    expect(c.size).toBeLessThanOrEqual(20);
    expect(c.top(3)).toEqual([
      { key: 'heavy0', count: 1667 },
      { key: 'heavy1', count: 1667 },
      { key: 'heavy2', count: 1666 },
    ]);
  });

  it('prunes to maxKeys, keeping the first-seen keys among equal counts at the edge', () => {
    const c = new BoundedCounter(3);
    c.add('a', 5);
    c.add('b', 2);
    c.add('c', 2);
    c.add('d', 2);
    c.add('e', 1);
    c.add('f', 1);
    c.add('g', 1); // the 7th distinct key passes 2 × maxKeys: prune to 3
    expect(c.size).toBe(3);
    expect(c.toRecord()).toEqual({ a: 5, b: 2, c: 2 });
  });

  it('adds weights and merges counters', () => {
    const a = new BoundedCounter(100);
    const b = new BoundedCounter(100);
    a.add('x', 3);
    b.add('x', 2);
    b.add('y');
    a.merge(b);
    expect(a.top(5)).toEqual([
      { key: 'x', count: 5 },
      { key: 'y', count: 1 },
    ]);
  });
});

describe('BoundedCounter pruning (property)', () => {
  it('keeps exactly the largest counts, ties broken by first insertion', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 5 })), {
          maxLength: 200,
        }),
        (maxKeys, adds) => {
          const c = new BoundedCounter(maxKeys);
          // A reference without pruning until the same moments.
          let ref = new Map<string, number>();
          for (const [k, w] of adds) {
            const key = `k${k}`;
            c.add(key, w);
            ref.set(key, (ref.get(key) ?? 0) + w);
            if (ref.size > maxKeys * 2) {
              const kept = [...ref].sort((a, b) => b[1] - a[1]).slice(0, maxKeys);
              ref = new Map(kept);
            }
          }
          expect(c.toRecord()).toEqual(Object.fromEntries(ref));
        },
      ),
    );
  });
});
