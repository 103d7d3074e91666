import { describe, expect, it } from 'vitest';
import { RateSampler } from './rate-sampler.js';

describe('RateSampler', () => {
  it('keeps everything under the cap, samples 1 in N above it, never exceeds the cap', () => {
    let now = 1_000_000;
    const s = new RateSampler(100, () => now);
    const offer = (n: number): number[] => Array.from({ length: n }, () => s.offer());
    const quiet = offer(80);
    expect(quiet.every((k) => k === 1)).toBe(true);
    now += 1000;
    const burst = offer(1000); // first burst second: budget holds, the rest dropped
    expect(burst.filter((k) => k > 0)).toHaveLength(100);
    now += 1000;
    const sampled = offer(1000); // N = ceil(1000 / 100) = 10
    expect(sampled.filter((k) => k > 0)).toHaveLength(100);
    expect(new Set(sampled.filter((k) => k > 0))).toEqual(new Set([10]));
    expect(s.lastSampledSec).toBe(Math.floor(now / 1000));
    now += 1000;
    expect(s.lastSecondRate).toBe(1000);
    now += 5000;
    expect(offer(10).every((k) => k === 1)).toBe(true);
  });
});
