import { describe, expect, it } from 'vitest';
import { axisWidth, compactMs, compactNumber, tickSpace, widestLabel } from './chart-axes';

/** 7 px per character, as a monospace 12 px font would be. */
const mono = (text: string) => text.length * 7;

describe('chart axes', () => {
  it('spaces x ticks by the widest label plus a gap, so neighbours never touch', () => {
    expect(tickSpace(['22:44:20', '22:44:30'], mono)).toBe(56 + 16);
    expect(tickSpace(['9:05:00', '10:05:00'], mono, 10)).toBe(66);
    // Two labels `space` apart (centre to centre) leave at least the gap between them.
    const space = tickSpace(['22:44:20'], mono);
    expect(space - mono('22:44:20')).toBeGreaterThanOrEqual(16);
  });

  it('sizes a y axis to its longest label, with a floor', () => {
    expect(widestLabel(['0 ms', '1,000 ms', null, undefined, ''], mono)).toBe(56);
    expect(axisWidth(['0 ms', '1,000 ms'], mono)).toBe(10 + 5 + 56 + 6);
    expect(axisWidth(['0', '1'], mono)).toBe(36);
    expect(axisWidth([], mono, { min: 20 })).toBe(21);
    expect(axisWidth(['39.1 KB/s'], (t) => t.length * 6.3)).toBe(Math.ceil(21 + 9 * 6.3));
  });

  it('formats large numbers compactly', () => {
    expect(compactNumber(0)).toBe('0');
    expect(compactNumber(0.5)).toBe('0.5');
    expect(compactNumber(950)).toBe('950');
    expect(compactNumber(1000)).toBe('1 k');
    expect(compactNumber(1234)).toBe('1.2 k');
    expect(compactNumber(12_345)).toBe('12 k');
    expect(compactNumber(1_500_000)).toBe('1.5 M');
    expect(compactNumber(2e9)).toBe('2 G');
  });

  it('formats milliseconds, seconds from 1000 ms', () => {
    expect(compactMs(0)).toBe('0 ms');
    expect(compactMs(0.5)).toBe('0.5 ms');
    expect(compactMs(250)).toBe('250 ms');
    expect(compactMs(1000)).toBe('1 s');
    expect(compactMs(1500)).toBe('1.5 s');
    expect(compactMs(30_000)).toBe('30 s');
  });
});
