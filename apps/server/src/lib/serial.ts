/**
 * SOA serials in the conventional YYYYMMDDnn form (UTC date, two-digit change counter).
 *
 * Contract: the result is always strictly greater than `current` as a plain integer, which is
 * all this server needs (no secondaries compare serials with RFC 1982 arithmetic here; a plain
 * increase is also an RFC 1982 increase while the step stays below 2^31).
 * - no current serial, or one below today's `YYYYMMDD00` → today's `YYYYMMDD01`;
 * - otherwise `current + 1`. After 99 changes in a day the counter runs past the date form
 *   (2026112299 → 2026112300, "tomorrow's" date); it stays monotonic, and the date form resumes
 *   once the calendar catches up.
 * Throws past 2^32 - 1 (the year 4294 in date form), where only RFC 1982 wrap-around could help.
 */

export const MAX_SERIAL = 4_294_967_295;

export function dateSerialBase(now: Date): number {
  const ymd = now.getUTCFullYear() * 10_000 + (now.getUTCMonth() + 1) * 100 + now.getUTCDate();
  return ymd * 100;
}

export function nextSerial(current: number | null | undefined, now: Date = new Date()): number {
  const base = dateSerialBase(now);
  const next = current === null || current === undefined || current < base ? base + 1 : current + 1;
  if (!Number.isInteger(next) || next > MAX_SERIAL) {
    throw new RangeError(`SOA serial overflow after ${String(current)}`);
  }
  return next;
}
