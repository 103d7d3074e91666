/**
 * Names, types and classes of DNS wire messages as BIND's query log writes them, read in place
 * at hundreds of thousands of messages per second (the dnstap path).
 *
 * A name is copied byte by byte into one scratch buffer (lower-cased, dots between labels,
 * `\DDD` escapes) and becomes a string in one native call: building it label by label made
 * most of the garbage of the dnstap path.
 */

const TYPES: Record<number, string> = {
  1: 'A',
  2: 'NS',
  5: 'CNAME',
  6: 'SOA',
  12: 'PTR',
  13: 'HINFO',
  15: 'MX',
  16: 'TXT',
  17: 'RP',
  18: 'AFSDB',
  24: 'SIG',
  25: 'KEY',
  28: 'AAAA',
  29: 'LOC',
  33: 'SRV',
  35: 'NAPTR',
  36: 'KX',
  37: 'CERT',
  39: 'DNAME',
  41: 'OPT',
  42: 'APL',
  43: 'DS',
  44: 'SSHFP',
  45: 'IPSECKEY',
  46: 'RRSIG',
  47: 'NSEC',
  48: 'DNSKEY',
  49: 'DHCID',
  50: 'NSEC3',
  51: 'NSEC3PARAM',
  52: 'TLSA',
  53: 'SMIMEA',
  55: 'HIP',
  59: 'CDS',
  60: 'CDNSKEY',
  61: 'OPENPGPKEY',
  62: 'CSYNC',
  63: 'ZONEMD',
  64: 'SVCB',
  65: 'HTTPS',
  99: 'SPF',
  108: 'EUI48',
  109: 'EUI64',
  249: 'TKEY',
  250: 'TSIG',
  251: 'IXFR',
  252: 'AXFR',
  255: 'ANY',
  256: 'URI',
  257: 'CAA',
};

/** BIND's names; `TYPEn` for the rest (RFC 3597). */
export function typeName(code: number): string {
  return TYPES[code] ?? `TYPE${code}`;
}

/** Class mnemonic, at most 8 characters (the store's bound), hence `C65535` not `CLASS65535`. */
export function className(code: number): string {
  if (code === 1) return 'IN';
  if (code === 3) return 'CH';
  if (code === 4) return 'HS';
  if (code === 254) return 'NONE';
  if (code === 255) return 'ANY';
  return code < 1000 ? `CLASS${code}` : `C${code}`;
}

const MAX_NAME_TEXT = 255;
/** Longest text before a name is refused: 1,024 characters plus one escaped 63-byte label. */
const MAX_BUILT = 1024;
const scratch = Buffer.allocUnsafe(MAX_BUILT + 4 * 63 + 1);

/** Where the last nameText's name ended in place (after the first pointer). */
let lastEnd = -1;

/** True for the bytes BIND writes as `\DDD` in a label (after lower-casing). */
function escaped(c: number): boolean {
  return c === 0x2e || c === 0x5c || c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x3b;
}

/**
 * The (possibly compressed) name at `off`: lower case, no trailing dot (the root is `.`), `\DDD`
 * escapes for dots, backslashes and unprintables, as BIND prints them; cut to 255 characters.
 * Null when malformed. Where it ended in place is `nameEnd()` until the next call
 * (single-threaded, never re-entered).
 */
export function nameText(buf: Buffer, off: number): string | null {
  let n = 0;
  let end = -1;
  let jumps = 0;
  let p = off;
  for (;;) {
    if (p >= buf.length) return null;
    const len = buf[p]!;
    if (len === 0) {
      if (end < 0) end = p + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (p + 1 >= buf.length || ++jumps > 64) return null;
      if (end < 0) end = p + 2;
      p = ((len & 0x3f) << 8) | buf[p + 1]!;
      continue;
    }
    if (len & 0xc0) return null;
    if (p + 1 + len > buf.length) return null;
    if (n > 0) scratch[n++] = 0x2e;
    for (let i = p + 1; i <= p + len; i++) {
      let c = buf[i]!;
      if (c >= 0x41 && c <= 0x5a) c += 0x20;
      if (escaped(c)) {
        scratch[n++] = 0x5c;
        scratch[n++] = 0x30 + Math.floor(c / 100);
        scratch[n++] = 0x30 + (Math.floor(c / 10) % 10);
        scratch[n++] = 0x30 + (c % 10);
      } else {
        scratch[n++] = c;
      }
    }
    if (n > MAX_BUILT) return null;
    p += 1 + len;
  }
  lastEnd = end;
  // The root is `.` (as BIND's query log writes it), every other name has no trailing dot.
  if (n === 0) return '.';
  return scratch.toString('latin1', 0, Math.min(n, MAX_NAME_TEXT));
}

/** Where the name of the last successful nameText call ended in place. */
export function nameEnd(): number {
  return lastEnd;
}

/** nameText with its end, as one object (for callers off the hot path). */
export function readName(buf: Buffer, off: number): { name: string; end: number } | null {
  const name = nameText(buf, off);
  return name === null ? null : { name, end: lastEnd };
}

/** Offset after the name at `off` (without following pointers), or -1. */
export function skipName(buf: Buffer, off: number): number {
  let p = off;
  for (;;) {
    if (p >= buf.length) return -1;
    const len = buf[p]!;
    if (len === 0) return p + 1;
    if ((len & 0xc0) === 0xc0) return p + 2 <= buf.length ? p + 2 : -1;
    if (len & 0xc0) return -1;
    p += 1 + len;
  }
}
