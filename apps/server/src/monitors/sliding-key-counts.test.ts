import { describe, expect, it } from 'vitest';
import { SlidingKeyCounts } from './sliding-key-counts.js';

describe('SlidingKeyCounts', () => {
  it('sums the slots inside the window, per key', () => {
    const c = new SlidingKeyCounts(60_000, 6); // 10 s slots
    expect(c.add('a', 0)).toBe(1);
    expect(c.add('a', 15_000, 2)).toBe(3);
    expect(c.add('b', 15_000)).toBe(1);
    expect(c.total('a', 59_999)).toBe(3);
    expect(c.total('a', 60_000)).toBe(2); // the first slot (0-10 s) left the window
    expect(c.total('a', 70_000)).toBe(0);
    // A slot reused a lap later starts from zero.
    expect(c.add('a', 120_000)).toBe(1);
    c.expire(200_000);
    expect(c.size).toBe(0);
  });

  it('keeps the heaviest keys past twice the bound', () => {
    const c = new SlidingKeyCounts(60_000, 6, 10);
    for (let i = 0; i < 50; i++) c.add('heavy', 0);
    for (let i = 0; i < 1000; i++) c.add(`k${i}`, 0);
    expect(c.size).toBeLessThanOrEqual(20);
    expect(c.total('heavy', 0)).toBe(50);
  });
});
