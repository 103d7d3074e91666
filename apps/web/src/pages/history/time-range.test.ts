import { describe, expect, it } from 'vitest';
import {
  fromLocalInput,
  rangeFromParams,
  rangeToParams,
  resolveRange,
  toLocalInput,
  type TimeRange,
} from './time-range';

const NOW = Date.parse('2025-03-10T12:00:00.000Z');

describe('time range', () => {
  it('resolves presets to a from relative to now and leaves to open', () => {
    expect(resolveRange({ kind: 'preset', preset: '15m' }, NOW)).toEqual({
      from: '2025-03-10T11:45:00.000Z',
    });
    expect(resolveRange({ kind: 'preset', preset: '7d' }, NOW)).toEqual({
      from: '2025-03-03T12:00:00.000Z',
    });
  });

  it('resolves a custom range to its own bounds, either side optional', () => {
    const from = '2025-03-01T00:00:00.000Z';
    expect(resolveRange({ kind: 'custom', from, to: undefined }, NOW)).toEqual({ from });
  });

  it('round-trips through the URL, leaving the fallback preset out', () => {
    const cases: TimeRange[] = [
      { kind: 'preset', preset: '24h' },
      { kind: 'preset', preset: '1h' },
      { kind: 'custom', from: '2025-03-01T00:00:00.000Z', to: '2025-03-02T06:30:00.000Z' },
      { kind: 'custom', from: undefined, to: '2025-03-02T06:30:00.000Z' },
    ];
    for (const range of cases) {
      const params = new URLSearchParams();
      rangeToParams(range, params, '1h');
      expect(rangeFromParams(params, '1h')).toEqual(range);
    }
    const plain = new URLSearchParams();
    rangeToParams({ kind: 'preset', preset: '1h' }, plain, '1h');
    expect(plain.toString()).toBe('');
  });

  it('falls back on an unknown preset and drops unparsable custom times', () => {
    expect(rangeFromParams(new URLSearchParams('range=3y'), '24h')).toEqual({
      kind: 'preset',
      preset: '24h',
    });
    expect(rangeFromParams(new URLSearchParams('range=custom&from=yesterday'), '24h')).toEqual({
      kind: 'custom',
      from: undefined,
      to: undefined,
    });
  });

  it('converts between ISO and datetime-local (local time, minutes)', () => {
    const local = '2025-03-10T08:15';
    const iso = fromLocalInput(local);
    expect(iso).toBe(new Date(2025, 2, 10, 8, 15).toISOString());
    expect(toLocalInput(iso)).toBe(local);
    expect(fromLocalInput('')).toBeUndefined();
    expect(toLocalInput(undefined)).toBe('');
  });
});
