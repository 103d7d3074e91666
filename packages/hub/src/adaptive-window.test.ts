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

  it('under load, keeps the flush rounds to about flushShare of the time, up to busyMaxFactor', () => {
    const w = new AdaptiveWindow({ baseMs: 20, widenFromPerSec: 10_000, maxFactor: 3 });
    const t = feed(w, 20_000, 0, 10_000);
    expect(w.windowMs(t)).toBe(40); // by rate
    const rounds = (...ms: number[]): void => ms.forEach((m) => w.noteRound(m, t));
    rounds(15, 15); // 2 × 15 = 30 ms: under the rate's window, which stays
    expect(w.windowMs(t)).toBe(40);
    rounds(35, 35); // a third of the time: 35 ms writing, then 70 ms of window
    expect(w.windowMs(t)).toBe(70);
    rounds(500, 500); // capped at busyMaxFactor (6) × 20 ms
    expect(w.windowMs(t)).toBe(120);
    const half = new AdaptiveWindow({ baseMs: 20, flushShare: 1 / 2, busyMaxFactor: 10 });
    feed(half, 20_000, 0, 10_000);
    half.noteRound(90, t);
    half.noteRound(90, t); // a half: the window equals the rounds
    expect(half.windowMs(t)).toBe(90);
  });

  it('takes the smaller of the last two rounds: one slow round (a GC pause) is not a load', () => {
    const w = new AdaptiveWindow({ baseMs: 20 });
    const t = feed(w, 100_000, 0, 5_000);
    w.noteRound(10, t);
    w.noteRound(50, t); // one slow round
    expect(w.windowMs(t)).toBe(60); // the rate's 3×; 2 × 10 ms is less
    w.noteRound(45, t); // two in a row: 2 × 45 ms
    expect(w.windowMs(t)).toBe(90);
    w.noteRound(5, t);
    expect(w.windowMs(t)).toBe(60);
  });

  it('ignores the round cost at or below the widening rate, when idle, and once rounds are old', () => {
    const w = new AdaptiveWindow({ baseMs: 20 });
    w.noteRound(500, 0);
    w.noteRound(500, 0);
    expect(w.windowMs(0)).toBe(20);
    let t = feed(w, 9_000, 0, 5_000);
    w.noteRound(500, t);
    w.noteRound(500, t);
    expect(w.windowMs(t)).toBe(20); // 9,000/s: under the widening rate
    t = feed(w, 100_000, t, 5_000);
    w.noteRound(500, t);
    w.noteRound(500, t);
    expect(w.windowMs(t)).toBe(120);
    expect(w.windowMs(t + 30_000)).toBe(20); // the last rounds were costly, but the hub is quiet
    // A new burst after a quiet spell: the old rounds (older than tauMs) no longer count.
    const u = feed(w, 100_000, t + 30_000, 5_000);
    expect(w.windowMs(u)).toBe(60);
  });

  it('keeps a zero window at zero and a maxFactor of 1 fixed', () => {
    const zero = new AdaptiveWindow({ baseMs: 0 });
    const fixed = new AdaptiveWindow({ baseMs: 20, maxFactor: 1 });
    feed(zero, 1_000_000, 0, 1_000);
    const t = feed(fixed, 1_000_000, 0, 1_000);
    for (const w of [zero, fixed, zero, fixed]) w.noteRound(500, t);
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
