import { describe, expect, it } from 'vitest';
import { compareSerial } from './serial-compare.js';

describe('compareSerial (RFC 1982)', () => {
  it('orders serials that are close together like integers', () => {
    expect(compareSerial(1, 2)).toBe(-1);
    expect(compareSerial(2026120601, 2026120600)).toBe(1);
    expect(compareSerial(7, 7)).toBe(0);
  });

  it('treats a wrapped serial as newer', () => {
    expect(compareSerial(4_294_967_295, 0)).toBe(-1);
    expect(compareSerial(5, 4_294_967_290)).toBe(1);
  });

  it('is undefined (null) for serials exactly 2^31 apart', () => {
    expect(compareSerial(0, 2 ** 31)).toBeNull();
    expect(compareSerial(2 ** 31 + 10, 10)).toBeNull();
  });

  it('calls a distance just under 2^31 an increase', () => {
    expect(compareSerial(0, 2 ** 31 - 1)).toBe(-1);
    expect(compareSerial(0, 2 ** 31 + 1)).toBe(1);
  });
});
