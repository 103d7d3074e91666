import { describe, expect, it } from 'vitest';
import { AdaptiveWindow } from './adaptive-window.js';

/** `perSec` deliveries a second for `ms` milliseconds, noted every 10 ms from `from`. */
function feed(w: AdaptiveWindow, perSec: number, from: number, ms: number): number {
  for (let t = from; t < from + ms; t += 10) w.note(perSec / 100, t);
  return from + ms;
}

describe('AdaptiveWindow', () => {
  it('is the configured window when idle and below the widening rate', () => {
    const w = new AdaptiveWindow({ baseMs: 20 });
    expect(w.windowMs(0)).toBe(20);
    const t = feed(w, 9_000, 0, 5_000);
    expect(w.rate(t)).toBeGreaterThan(8_000);
    expect(w.rate(t)).toBeLessThan(10_000);
    expect(w.windowMs(t)).toBe(20);
  });

  it('widens in proportion to the rate over the widening rate, up to maxFactor', () => {
    const w = new AdaptiveWindow({ baseMs: 20, widenFromPerSec: 10_000, maxFactor: 4 });
    let t = feed(w, 20_000, 0, 10_000);
    // The decayed estimate of a steady 20,000/s is within 1 % of it after 10 time constants.
    expect(w.windowMs(t)).toBeGreaterThanOrEqual(39);
    expect(w.windowMs(t)).toBeLessThanOrEqual(40);
    t = feed(w, 1_000_000, t, 10_000);
    expect(w.windowMs(t)).toBe(80);
  });

  it('returns to the configured window once deliveries stop', () => {
    const w = new AdaptiveWindow({ baseMs: 20 });
    const t = feed(w, 100_000, 0, 5_000);
    expect(w.windowMs(t)).toBe(60);
    // After 3 time constants without deliveries the estimate is 5 % of 100,000/s.
    expect(w.windowMs(t + 3_000)).toBe(20);
    expect(w.rate(t + 60_000)).toBeLessThan(1);
  });

  it('under load, keeps flush rounds to flushShare of the time, up to busyMaxFactor', () => {
    const w = new AdaptiveWindow({ baseMs: 20, widenFromPerSec: 10_000, maxFactor: 3 });
    const t = feed(w, 20_000, 0, 10_000);
    expect(w.windowMs(t)).toBe(40); // by rate
    w.noteRound(15); // 2 × 15 = 30 ms: under the rate's window, which stays
    expect(w.windowMs(t)).toBe(40);
    w.noteRound(35); // a third of the time: 35 ms writing, then 70 ms of window
    expect(w.windowMs(t)).toBe(70);
    w.noteRound(500); // capped at busyMaxFactor (6) × 20 ms
    expect(w.windowMs(t)).toBe(120);
    const half = new AdaptiveWindow({ baseMs: 20, flushShare: 1 / 2, busyMaxFactor: 10 });
    feed(half, 20_000, 0, 10_000);
    half.noteRound(90); // a half: the window equals the round
    expect(half.windowMs(t)).toBe(90);
  });

  it('ignores the round cost at or below the widening rate, and so when idle', () => {
    const w = new AdaptiveWindow({ baseMs: 20 });
    w.noteRound(500);
    expect(w.windowMs(0)).toBe(20);
    const t = feed(w, 100_000, 0, 5_000);
    expect(w.windowMs(t)).toBe(120);
    expect(w.windowMs(t + 30_000)).toBe(20); // the last round was costly, but the hub is quiet
  });

  it('keeps a zero window at zero and a maxFactor of 1 fixed', () => {
    const zero = new AdaptiveWindow({ baseMs: 0 });
    const fixed = new AdaptiveWindow({ baseMs: 20, maxFactor: 1 });
    feed(zero, 1_000_000, 0, 1_000);
    const t = feed(fixed, 1_000_000, 0, 1_000);
    zero.noteRound(500);
    fixed.noteRound(500);
    expect(zero.windowMs(t)).toBe(0);
    expect(fixed.windowMs(t)).toBe(20);
  });

  it('refuses bounds that make no window', () => {
    expect(() => new AdaptiveWindow({ baseMs: 20, maxFactor: 0.5 })).toThrow(/maxFactor/);
    expect(() => new AdaptiveWindow({ baseMs: 20, tauMs: 0 })).toThrow(/tauMs/);
    expect(() => new AdaptiveWindow({ baseMs: 20, flushShare: 0 })).toThrow(/flushShare/);
    expect(() => new AdaptiveWindow({ baseMs: 20, flushShare: 1.5 })).toThrow(/flushShare/);
    expect(() => new AdaptiveWindow({ baseMs: 20, busyMaxFactor: 0 })).toThrow(/busyMaxFactor/);
  });
});
