import { afterEach, describe, expect, it } from 'vitest';
import { SlidingWindowCounter } from './sliding-window-counter.js';

let counter: SlidingWindowCounter | undefined;
afterEach(() => counter?.close());

function make(limit: number, windowMs: number, maxKeys?: number) {
  let now = 1_000_000;
  counter = new SlidingWindowCounter({
    limit,
    windowMs,
    now: () => now,
    sweepIntervalMs: 0,
    ...(maxKeys ? { maxKeys } : {}),
  });
  return { c: counter, advance: (ms: number) => (now += ms) };
}

describe('SlidingWindowCounter', () => {
  it('blocks at the limit and unblocks as the window slides', () => {
    const { c, advance } = make(3, 1000);
    c.hit('k');
    advance(100);
    c.hit('k');
    advance(100);
    expect(c.state('k').blocked).toBe(false);
    c.hit('k');
    expect(c.state('k')).toEqual({ blocked: true, retryAfterMs: 800, count: 3 });
    advance(800);
    expect(c.state('k').blocked).toBe(false);
    expect(c.state('k').count).toBe(2);
  });

  it('keys are independent and reset clears one', () => {
    const { c } = make(1, 1000);
    c.hit('a');
    expect(c.state('a').blocked).toBe(true);
    expect(c.state('b').blocked).toBe(false);
    c.reset('a');
    expect(c.state('a').blocked).toBe(false);
  });

  it('release takes back one hit', () => {
    const { c } = make(2, 1000);
    c.hit('k');
    c.hit('k');
    expect(c.state('k').blocked).toBe(true);
    c.release('k');
    expect(c.state('k')).toEqual({ blocked: false, retryAfterMs: 0, count: 1 });
    c.release('k');
    c.release('k');
    expect(c.size).toBe(0);
  });

  it('sweeps stale keys and bounds the number of keys', () => {
    const { c, advance } = make(2, 1000, 3);
    for (const k of ['a', 'b', 'c', 'd']) c.hit(k);
    expect(c.size).toBe(3);
    expect(c.state('a').count).toBe(0);
    advance(2000);
    c.sweep();
    expect(c.size).toBe(0);
  });

  it('close is idempotent and stops the timer', () => {
    counter = new SlidingWindowCounter({ limit: 1, windowMs: 10, sweepIntervalMs: 5 });
    counter.close();
    counter.close();
  });
});
