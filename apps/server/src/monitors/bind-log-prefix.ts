/**
 * The part BIND 9.18 puts before every client message (query and rpz categories alike):
 *
 *   22-Nov-2026 12:34:05.376 queries: info: client @0x7fa9b1d46098 127.0.0.1#58936 (www.example.test): view internal: query: …
 *
 * `print-time` gives the timestamp, `print-category`/`print-severity` the `queries: info:` words
 * (both optional here); `@0x…` is the client object (absent before 9.16); the address is IPv4 or
 * IPv6, then `#port`; the parenthesised name is the query name; `view NAME: ` appears only when
 * views are configured. Parsed with indexOf/slices only: linear time, no regex backtracking.
 *
 * Timestamps: BIND prints local time without a zone, so it is read in the server process's own
 * time zone (the same host, or the same TZ as named) and returned as a UTC ISO string. A line
 * without a timestamp gives `ts: null` (the caller uses its arrival time).
 */

export interface ClientPrefix {
  ts: string | null;
  clientIp: string;
  clientPort: number;
  view?: string;
  /** Offset where the message proper starts (`query: …`, `rpz QNAME …`). */
  bodyStart: number;
}

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/** How far `client ` may be from the start of the line (category and severity words). */
const MAX_PREFIX_GAP = 64;

/** Decimal digits of line[from, to) as a number; -1 when any char is not a digit. */
export function digits(line: string, from: number, to: number): number {
  if (to <= from) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = line.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

// Lines arrive in time order, so the second (`DD-Mon-YYYY HH:MM:SS`) repeats: cache its epoch
// and its ISO text (`2026-11-22T12:34:05.`), to which only the milliseconds are appended.
let cachedSecondText = '';
let cachedSecondMs = 0;
let cachedSecondIso = '';

/** `22-Nov-2026 12:34:05.376` at the start of `line` → epoch ms (local time), or -1. */
export function parseBindTime(line: string): number {
  if (line.length < 24 || line.charCodeAt(2) !== 45 || line.charCodeAt(6) !== 45) return -1;
  if (line[11] !== ' ' || line[14] !== ':' || line[17] !== ':' || line[20] !== '.') return -1;
  const ms = digits(line, 21, 24);
  if (ms < 0) return -1;
  const secondText = line.slice(0, 20);
  if (secondText === cachedSecondText) return cachedSecondMs + ms;
  const day = digits(line, 0, 2);
  const month = MONTHS[line.slice(3, 6)];
  const year = digits(line, 7, 11);
  const hour = digits(line, 12, 14);
  const minute = digits(line, 15, 17);
  const second = digits(line, 18, 20);
  if (month === undefined || day < 1 || day > 31 || year < 0 || hour < 0 || hour > 23) return -1;
  if (minute < 0 || minute > 59 || second < 0 || second > 60) return -1;
  const epoch = new Date(year, month, day, hour, minute, second).getTime();
  if (Number.isNaN(epoch)) return -1;
  cachedSecondText = secondText;
  cachedSecondMs = epoch;
  cachedSecondIso = new Date(epoch).toISOString().slice(0, 20);
  return epoch + ms;
}

/** ISO text of the line's timestamp; call right after a successful parseBindTime(line). */
function isoOfLastParsed(line: string): string {
  return `${cachedSecondIso}${line.slice(21, 24)}Z`;
}

/** Parses the prefix up to the message; null when the line is not a client message. */
export function parseClientPrefix(line: string): ClientPrefix | null {
  const epoch = parseBindTime(line);
  const from = epoch >= 0 ? 24 : 0;
  const c = line.indexOf('client ', from);
  if (c < 0 || c - from > MAX_PREFIX_GAP) return null;
  let p = c + 7;
  if (line.charCodeAt(p) === 64 /* @ */) {
    p = line.indexOf(' ', p) + 1;
    if (p === 0) return null;
  }
  const addrEnd = line.indexOf(' ', p);
  if (addrEnd < 0) return null;
  const hash = line.lastIndexOf('#', addrEnd);
  if (hash <= p) return null;
  const clientPort = digits(line, hash + 1, addrEnd);
  if (clientPort < 0 || clientPort > 65535 || hash - p > 64) return null;
  const clientIp = line.slice(p, hash);
  // ` (qname): ` — names are printed escaped, so `): ` cannot occur inside one.
  if (line.charCodeAt(addrEnd + 1) !== 40 /* ( */) return null;
  const nameEnd = line.indexOf('): ', addrEnd + 2);
  if (nameEnd < 0) return null;
  let bodyStart = nameEnd + 3;
  let view: string | undefined;
  if (line.startsWith('view ', bodyStart)) {
    const viewEnd = line.indexOf(': ', bodyStart + 5);
    if (viewEnd < 0) return null;
    view = line.slice(bodyStart + 5, viewEnd);
    if (view.length === 0 || view.length > 64) return null;
    bodyStart = viewEnd + 2;
  }
  return {
    ts: epoch >= 0 ? isoOfLastParsed(line) : null,
    clientIp,
    clientPort,
    ...(view !== undefined ? { view } : {}),
    bodyStart,
  };
}
