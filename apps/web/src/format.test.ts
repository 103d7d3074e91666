import { describe, expect, it } from 'vitest';
import { formatLatency, formatNumber } from './format';

describe('formatLatency', () => {
  it('keeps milliseconds below 10 s and switches to seconds from there', () => {
    expect(formatLatency(undefined)).toBe('');
    expect(formatLatency(0)).toBe('<1 ms');
    expect(formatLatency(4)).toBe('4 ms');
    expect(formatLatency(9_999)).toBe(`${formatNumber(9_999)} ms`);
    expect(formatLatency(10_000)).toBe('10 s');
    expect(formatLatency(12_345)).toBe(`${formatNumber(12.3, 1)} s`);
    expect(formatLatency(250_000)).toBe('250 s');
    // Never "10,000 ms": what rounds up to 10 s is shown in seconds.
    expect(formatLatency(9_999.7)).toBe('10 s');
  });
});
