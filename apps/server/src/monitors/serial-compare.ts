/**
 * SOA serial arithmetic (RFC 1982, SERIAL_BITS = 32): serials live on a circle, so 1 is newer
 * than 4294967295 and a plain `<` would call a secondary that wrapped around "ahead".
 */

const HALF = 2 ** 31;
const SPACE = 2 ** 32;

/**
 * -1 when `a` is older than `b`, 1 when newer, 0 when equal; null when the two are exactly
 * 2^31 apart (RFC 1982 leaves that undefined: neither is newer).
 */
export function compareSerial(a: number, b: number): -1 | 0 | 1 | null {
  if (a === b) return 0;
  const d = (((b - a) % SPACE) + SPACE) % SPACE;
  if (d === HALF) return null;
  return d < HALF ? -1 : 1;
}
