import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './retry-backoff.js';

describe('retryDelayMs', () => {
  const opts = { baseMs: 1000, maxMs: 60_000 };

  it('doubles per attempt within [half, full] of the exponential step', () => {
    expect(retryDelayMs(1, opts, () => 0)).toBe(500);
    expect(retryDelayMs(1, opts, () => 1)).toBe(1000);
    expect(retryDelayMs(3, opts, () => 0)).toBe(2000);
    expect(retryDelayMs(3, opts, () => 1)).toBe(4000);
  });

  it('caps at maxMs however many attempts failed', () => {
    expect(retryDelayMs(10, opts, () => 1)).toBe(60_000);
    expect(retryDelayMs(1000, opts, () => 0)).toBe(30_000);
  });

  it('spreads delays with jitter', () => {
    const seen = new Set(Array.from({ length: 50 }, () => retryDelayMs(4, opts)));
    expect(seen.size).toBeGreaterThan(1);
    for (const d of seen) {
      expect(d).toBeGreaterThanOrEqual(4000);
      expect(d).toBeLessThanOrEqual(8000);
    }
  });
});
