import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';

const policy = { baseMs: 500, capMs: 20_000 };

describe('backoff: full jitter', () => {
  it('doubles the ceiling per attempt from baseMs up to capMs', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffCeiling(n, policy))).toEqual([
      500, 1000, 2000, 4000, 8000, 16_000, 20_000, 20_000,
    ]);
  });

  it('draws uniformly below the ceiling with the injected random', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(0);
    expect(backoffDelay(1, policy, () => 0.5)).toBe(250);
    expect(backoffDelay(3, policy, () => 0.999)).toBe(1998);
    expect(backoffDelay(50, policy, () => 0.5)).toBe(10_000);
  });

  it('stays finite and within [0, ceiling) for any attempt and random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const d = backoffDelay(attempt, policy, () => r);
          return Number.isFinite(d) && d >= 0 && d < Math.max(1, backoffCeiling(attempt, policy));
        },
      ),
    );
  });

  it('defaults: base 500 ms, cap 20 s, never give up', () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 500, capMs: 20_000, maxAttempts: Infinity });
  });
});
