import { rcodeName } from '../lib/dns-rcodes.js';
import { formatAddress } from './dnstap-message.js';

/**
 * The facts a query record shows, read from the DNS messages dnstap carries verbatim.
 *
 * Everything is read by hand, in place: queries (every CLIENT_QUERY) for the header, the
 * question and the OPT/TSIG records of the additional section; responses also for the answer
 * summary (the RDATA of the common types, the type alone for the rest) and the owners of SOA
 * records in ADDITIONAL. A general decoder (dns-packet) built an object per record and per
 * name and held the dnstap path to about half its bar (docs/benchmarks.md, issue 15). Malformed
 * wire gives null, never an exception.
 *
 * RPZ: BIND 9.18 puts no policy field in dnstap; a rewritten response carries the policy zone's
 * SOA in its ADDITIONAL section, so a response whose additional SOA owner is a response-policy
 * zone was blocked. The action is inferred from the rewritten answer (NXDOMAIN, NODATA, CNAME,
 * LOCAL-DATA for other local data, POLICY when none fits).
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

const FLAG_BITS = 0x8000 | 0x0400 | 0x0200 | 0x0100 | 0x0080 | 0x0020 | 0x0010;
/** By the flag bits that are shown: a response has few combinations, each built once. */
const flagsText = new Map<number, string>();

/** The response header flags that are set, in dig's order (`qr aa tc rd ra ad cd`). */
export function responseFlagsOf(flags: number): string {
  const bits = flags & FLAG_BITS;
  let text = flagsText.get(bits);
  if (text === undefined) {
    text = flagsTextOf(bits);
    flagsText.set(bits, text);
  }
  return text;
}

function flagsTextOf(flags: number): string {
  const out: string[] = [];
  if (flags & 0x8000) out.push('qr');
  if (flags & 0x0400) out.push('aa');
  if (flags & 0x0200) out.push('tc');
  if (flags & 0x0100) out.push('rd');
  if (flags & 0x0080) out.push('ra');
  if (flags & 0x0020) out.push('ad');
  if (flags & 0x0010) out.push('cd');
  return out.join(' ');
}

const MAX_NAME_TEXT = 255;

/**
 * Reads a (possibly compressed) name at `off`: lower case, no trailing dot (the root is `.`), `\DDD` escapes for
 * dots, backslashes and unprintables, as BIND prints them; cut to 255 characters. `end` is
 * where the name ends in place (after the first pointer). Null when malformed.
 */
export function readName(buf: Buffer, off: number): { name: string; end: number } | null {
  let name = '';
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
    if (name.length > 0) name += '.';
    // The common label (lower case, nothing to escape) is sliced in one go: building it a
    // character at a time made most of the garbage of the dnstap path.
    let plain = true;
    for (let i = p + 1; i <= p + len; i++) {
      const c = buf[i]!;
      if ((c >= 0x41 && c <= 0x5a) || c === 0x2e || c === 0x5c || c <= 0x20 || c >= 0x7f) {
        plain = false;
        break;
      }
      if (c === 0x22 || c === 0x3b) {
        plain = false;
        break;
      }
    }
    if (plain) name += buf.toString('latin1', p + 1, p + 1 + len);
    else name += labelText(buf, p + 1, p + 1 + len);
    if (name.length > 1024) return null;
    p += 1 + len;
  }
  // The root is `.` (as BIND's query log writes it), every other name has no trailing dot.
  if (name.length === 0) return { name: '.', end };
  return { name: name.length > MAX_NAME_TEXT ? name.slice(0, MAX_NAME_TEXT) : name, end };
}

/** A label with upper case or characters BIND escapes: lower-cased, `\\DDD` escapes. */
function labelText(buf: Buffer, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) {
    let c = buf[i]!;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c === 0x2e || c === 0x5c || c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x3b) {
      out += `\\${String(c).padStart(3, '0')}`;
    } else {
      out += String.fromCharCode(c);
    }
  }
  return out;
}

/** Offset after the name at `off` (without following pointers), or -1. */
function skipName(buf: Buffer, off: number): number {
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

/** What a query message tells: its question and BIND's query-log flag letters. */
export interface QueryInfo {
  id: number;
  qname: string;
  qtype: string;
  qclass: string;
  /** BIND query-log notation: `+`/`-` (RD), `E(n)`, `T`, `D`, `C`, `S`, `K`. */
  flags: string;
  /** EDNS Client Subnet as `address/source`, when the query carried one. */
  ecs?: string;
}

const SOA = 6;
const OPT = 41;
const TSIG = 250;
const SIG = 24;
const OPTION_ECS = 8;
const OPTION_COOKIE = 10;

/** `address/source` from an ECS option body; undefined when malformed. */
function ecsOf(buf: Buffer, off: number, len: number): string | undefined {
  if (len < 4) return undefined;
  const family = buf.readUInt16BE(off);
  const source = buf[off + 2]!;
  const bytes = len - 4;
  const size = family === 1 ? 4 : family === 2 ? 16 : 0;
  if (size === 0 || bytes > size || source > size * 8) return undefined;
  const full = Buffer.alloc(size);
  buf.copy(full, 0, off + 4, off + 4 + bytes);
  return `${formatAddress(full, 0, size)}/${source}`;
}

interface Extras {
  id: number;
  flags: string;
  ecs?: string;
  /** End of the first question (-1: none). */
  qEnd: number;
  /** Start of the answer section. */
  anStart: number;
  rcodeHigh: number;
  /** Owner-name offsets of the SOA records in ADDITIONAL (RPZ's mark); null when none. */
  additionalSoa: number[] | null;
}

/**
 * Flags and ECS from a message's header and additional section: the query's own flags, or
 * (no query seen) the response's, which echo RD, CD, EDNS, DO and the cookie. Works on
 * either; null when malformed.
 */
function headerAndExtras(buf: Buffer, tcp: boolean): Extras | null {
  if (buf.length < 12) return null;
  const id = buf.readUInt16BE(0);
  const hflags = buf.readUInt16BE(2);
  const qd = buf.readUInt16BE(4);
  const rrs = buf.readUInt16BE(6) + buf.readUInt16BE(8);
  const ar = buf.readUInt16BE(10);
  let p = 12;
  let qEnd = -1;
  for (let i = 0; i < qd; i++) {
    p = skipName(buf, p);
    if (p < 0 || p + 4 > buf.length) return null;
    p += 4;
    if (i === 0) qEnd = p;
  }
  const anStart = p;
  for (let i = 0; i < rrs; i++) {
    p = skipName(buf, p);
    if (p < 0 || p + 10 > buf.length) return null;
    p += 10 + buf.readUInt16BE(p + 8);
    if (p > buf.length) return null;
  }
  let edns = -1;
  let dnssecOk = false;
  let signed = false;
  let cookie = false;
  let rcodeHigh = 0;
  let ecs: string | undefined;
  let additionalSoa: number[] | null = null;
  for (let i = 0; i < ar; i++) {
    const owner = p;
    p = skipName(buf, p);
    if (p < 0 || p + 10 > buf.length) return null;
    const type = buf.readUInt16BE(p);
    const rdlen = buf.readUInt16BE(p + 8);
    const rdata = p + 10;
    if (rdata + rdlen > buf.length) return null;
    if (type === OPT) {
      rcodeHigh = buf[p + 4]!;
      edns = buf[p + 5]!;
      dnssecOk = (buf[p + 6]! & 0x80) !== 0;
      for (let o = rdata; o + 4 <= rdata + rdlen;) {
        const code = buf.readUInt16BE(o);
        const olen = buf.readUInt16BE(o + 2);
        if (o + 4 + olen > rdata + rdlen) return null;
        if (code === OPTION_COOKIE) cookie = true;
        else if (code === OPTION_ECS) ecs = ecsOf(buf, o + 4, olen);
        o += 4 + olen;
      }
    } else if (type === TSIG || type === SIG) {
      signed = true;
    } else if (type === SOA) {
      (additionalSoa ??= []).push(owner);
    }
    p = rdata + rdlen;
  }
  let flags = hflags & 0x0100 ? '+' : '-';
  if (edns >= 0) flags += `E(${edns})`;
  if (tcp) flags += 'T';
  if (dnssecOk) flags += 'D';
  if (hflags & 0x0010) flags += 'C';
  if (signed) flags += 'S';
  if (cookie) flags += 'K';
  return {
    id,
    flags,
    qEnd,
    anStart,
    rcodeHigh,
    additionalSoa,
    ...(ecs !== undefined ? { ecs } : {}),
  };
}

/** A query's question and flags. `tcp`: it came over a stream transport (the `T` flag). */
export function readQuery(buf: Buffer, tcp: boolean): QueryInfo | null {
  const extras = headerAndExtras(buf, tcp);
  if (extras === null) return null;
  let qname = '';
  let qtype = '';
  let qclass = '';
  if (extras.qEnd > 0) {
    const q = readName(buf, 12);
    if (q === null) return null;
    qname = q.name;
    qtype = typeName(buf.readUInt16BE(q.end));
    qclass = className(buf.readUInt16BE(q.end + 2));
  }
  return {
    id: extras.id,
    qname,
    qtype,
    qclass,
    flags: extras.flags,
    ...(extras.ecs !== undefined ? { ecs: extras.ecs } : {}),
  };
}

/** The response code of a message (header bits only; cheap). Null when too short. */
export function headerRcode(buf: Buffer): string | null {
  return buf.length < 12 ? null : rcodeName(buf[3]! & 0x0f);
}

export interface ResponseSummary {
  id: number;
  qname: string;
  qtype: string;
  qclass: string;
  rcode: string;
  responseFlags: string;
  /** Query flags (from the query when given, else inferred from the response). */
  flags: string;
  answerCount: number;
  answer: string;
  responseSize: number;
  blocked: boolean;
  rpzAction: string | null;
  ecs?: string;
}

const MAX_ANSWER = 256;

const A = 1;
const NS = 2;
const CNAME = 5;
const PTR = 12;
const MX = 15;
const TXT = 16;
const AAAA = 28;
const SRV = 33;
const DNAME = 39;

/** A name inside RDATA; '' when malformed (the record then shows its type alone). */
function rdataName(buf: Buffer, off: number): string {
  return readName(buf, off)?.name ?? '';
}

/** TXT strings, each quoted as JSON (UTF-8), space-separated. */
function txtText(buf: Buffer, start: number, end: number): string {
  let out = '';
  for (let p = start; p < end;) {
    const len = buf[p]!;
    if (p + 1 + len > end) break;
    const part = JSON.stringify(buf.toString('utf8', p + 1, p + 1 + len));
    out = out ? `${out} ${part}` : part;
    p += 1 + len;
    if (out.length >= MAX_ANSWER) break;
  }
  return out;
}

/** The RDATA of a record as the summary shows it; '' for the types shown by name alone. */
function rdataText(buf: Buffer, type: number, start: number, len: number): string {
  switch (type) {
    case A:
      return len === 4 ? (formatAddress(buf, start, 4) ?? '') : '';
    case AAAA:
      return len === 16 ? (formatAddress(buf, start, 16) ?? '') : '';
    case CNAME:
    case DNAME:
    case NS:
    case PTR:
      return rdataName(buf, start);
    case MX: {
      if (len < 3) return '';
      const exchange = rdataName(buf, start + 2);
      return exchange ? `${buf.readUInt16BE(start)} ${exchange}` : '';
    }
    case SRV: {
      if (len < 7) return '';
      const target = rdataName(buf, start + 6);
      return target
        ? `${buf.readUInt16BE(start)} ${buf.readUInt16BE(start + 2)} ${buf.readUInt16BE(start + 4)} ${target}`
        : '';
    }
    case SOA:
      return rdataName(buf, start);
    case TXT:
      return txtText(buf, start, start + len);
    default:
      return '';
  }
}

interface Answers {
  count: number;
  /** `A 192.0.2.1, CNAME x.example`, cut to 256 characters. */
  summary: string;
  firstType: number;
}

/**
 * The answer section from `p` (its records were bounds-checked by headerAndExtras). Only the
 * summary's first 256 characters are built; the rest is counted.
 */
function readAnswers(buf: Buffer, p: number, count: number): Answers | null {
  let out = '';
  let firstType = -1;
  for (let i = 0; i < count; i++) {
    p = skipName(buf, p);
    if (p < 0 || p + 10 > buf.length) return null;
    const type = buf.readUInt16BE(p);
    const len = buf.readUInt16BE(p + 8);
    const start = p + 10;
    if (start + len > buf.length) return null;
    if (i === 0) firstType = type;
    if (out.length < MAX_ANSWER) {
      const data = rdataText(buf, type, start, len);
      const part = data ? `${typeName(type)} ${data}` : typeName(type);
      out = out ? `${out}, ${part}` : part;
    }
    p = start + len;
  }
  return {
    count,
    summary: out.length > MAX_ANSWER ? out.slice(0, MAX_ANSWER) : out,
    firstType,
  };
}

function normalizeZone(z: string): string {
  return (z.endsWith('.') ? z.slice(0, -1) : z).toLowerCase();
}

/** The policy zone whose SOA the response carries in ADDITIONAL, if any. */
function policyZoneOf(
  buf: Buffer,
  soaOwners: readonly number[] | null,
  rpzZones: readonly string[],
): string | null {
  if (rpzZones.length === 0 || soaOwners === null) return null;
  for (const off of soaOwners) {
    const owner = readName(buf, off)?.name;
    if (owner === undefined) continue;
    for (const z of rpzZones) if (normalizeZone(z) === owner) return owner;
  }
  return null;
}

function rpzActionOf(rcode: string, answers: Answers): string {
  if (rcode === 'NXDOMAIN') return 'NXDOMAIN';
  if (rcode !== 'NOERROR') return 'POLICY';
  if (answers.count === 0) return 'NODATA';
  return answers.firstType === CNAME ? 'CNAME' : 'LOCAL-DATA';
}

/**
 * A response (and its query's facts when dnstap paired them) → the record's DNS facts. `tcp`
 * marks a stream transport. `rpzZones` lists the response-policy zone names. Null when the
 * response is malformed.
 */
export function summarizeResponse(
  response: Buffer,
  query: QueryInfo | null,
  tcp: boolean,
  rpzZones: readonly string[],
): ResponseSummary | null {
  const extras = headerAndExtras(response, tcp);
  if (extras === null) return null;
  const answers = readAnswers(response, extras.anStart, response.readUInt16BE(6));
  if (answers === null) return null;
  const hflags = response.readUInt16BE(2);
  const rcode = rcodeName((extras.rcodeHigh << 4) | (hflags & 0x0f));
  const zone = policyZoneOf(response, extras.additionalSoa, rpzZones);
  let qname = query?.qname ?? '';
  let qtype = query?.qtype ?? '';
  let qclass = query?.qclass ?? '';
  if (query === null && extras.qEnd > 0) {
    const name = readName(response, 12);
    if (name === null) return null;
    qname = name.name;
    qtype = typeName(response.readUInt16BE(name.end));
    qclass = className(response.readUInt16BE(name.end + 2));
  }
  const ecs = query !== null ? query.ecs : extras.ecs;
  return {
    id: extras.id,
    qname,
    qtype,
    qclass,
    rcode,
    responseFlags: responseFlagsOf(hflags),
    flags: query?.flags ?? extras.flags,
    answerCount: answers.count,
    answer: answers.summary,
    responseSize: response.length,
    blocked: zone !== null,
    rpzAction: zone !== null ? rpzActionOf(rcode, answers) : null,
    ...(ecs !== undefined ? { ecs } : {}),
  };
}
