import { rcodeName } from '../lib/dns-rcodes.js';
import { formatAddress, ipv4Text } from './address-text.js';
import { className, nameEnd, nameText, skipName, typeName } from './dns-name-text.js';

export { readName } from './dns-name-text.js';

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
 * The hot path (scanQuery, scanResponse) writes into module-level records instead of returning
 * objects: the pairer copies what it keeps, so a message costs its strings and nothing else.
 * Single-threaded and never re-entered; readQuery and summarizeResponse wrap them as objects.
 *
 * RPZ: BIND 9.18 puts no policy field in dnstap; a rewritten response carries the policy zone's
 * SOA in its ADDITIONAL section, so a response whose additional SOA owner is a response-policy
 * zone was blocked. The action is inferred from the rewritten answer (NXDOMAIN, NODATA, CNAME,
 * LOCAL-DATA for other local data, POLICY when none fits).
 */

const FLAG_BITS = 0x8000 | 0x0400 | 0x0200 | 0x0100 | 0x0080 | 0x0020 | 0x0010;
/** By the flag bits that are shown: a response has few combinations, each built once. */
const responseFlagsCache = new Map<number, string>();

/** The response header flags that are set, in dig's order (`qr aa tc rd ra ad cd`). */
export function responseFlagsOf(flags: number): string {
  const bits = flags & FLAG_BITS;
  let text = responseFlagsCache.get(bits);
  if (text === undefined) {
    const out: string[] = [];
    if (bits & 0x8000) out.push('qr');
    if (bits & 0x0400) out.push('aa');
    if (bits & 0x0200) out.push('tc');
    if (bits & 0x0100) out.push('rd');
    if (bits & 0x0080) out.push('ra');
    if (bits & 0x0020) out.push('ad');
    if (bits & 0x0010) out.push('cd');
    text = out.join(' ');
    responseFlagsCache.set(bits, text);
  }
  return text;
}

const Q_RD = 1;
const Q_TCP = 2;
const Q_DO = 4;
const Q_CD = 8;
const Q_SIGNED = 16;
const Q_COOKIE = 32;
/** (EDNS version + 1) << 6; 0 without EDNS. */
const Q_EDNS_SHIFT = 6;
/** Query-log flag text by its code: at most 64 × 257 combinations, each built once. */
const queryFlagsCache = new Map<number, string>();

/** BIND query-log notation of a flag code: `+`/`-` (RD), `E(n)`, `T`, `D`, `C`, `S`, `K`. */
function queryFlagsText(code: number): string {
  let text = queryFlagsCache.get(code);
  if (text === undefined) {
    text = code & Q_RD ? '+' : '-';
    const edns = (code >> Q_EDNS_SHIFT) - 1;
    if (edns >= 0) text += `E(${edns})`;
    if (code & Q_TCP) text += 'T';
    if (code & Q_DO) text += 'D';
    if (code & Q_CD) text += 'C';
    if (code & Q_SIGNED) text += 'S';
    if (code & Q_COOKIE) text += 'K';
    queryFlagsCache.set(code, text);
  }
  return text;
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

/** What scanHeader read from the last message. */
const head = {
  id: 0,
  /** Query-log flags (of a query, or as a response echoes them). */
  flags: '',
  ecs: undefined as string | undefined,
  /** End of the first question (-1: none). */
  qEnd: -1,
  /** Start of the answer section. */
  anStart: 0,
  rcodeHigh: 0,
};
/** Owners of the SOA records in ADDITIONAL (RPZ's mark), reused: emptied by each scan. */
const soaOwners: number[] = [];

/**
 * Header, question end, and the flags and ECS of the additional section, of a query or (no
 * query seen) of a response, which echoes RD, CD, EDNS, DO and the cookie. False when
 * malformed. Bounds-checks every record of every section.
 */
function scanHeader(buf: Buffer, tcp: boolean): boolean {
  soaOwners.length = 0;
  if (buf.length < 12) return false;
  const hflags = buf.readUInt16BE(2);
  const qd = buf.readUInt16BE(4);
  const rrs = buf.readUInt16BE(6) + buf.readUInt16BE(8);
  const ar = buf.readUInt16BE(10);
  let p = 12;
  let qEnd = -1;
  for (let i = 0; i < qd; i++) {
    p = skipName(buf, p);
    if (p < 0 || p + 4 > buf.length) return false;
    p += 4;
    if (i === 0) qEnd = p;
  }
  const anStart = p;
  for (let i = 0; i < rrs; i++) {
    p = skipName(buf, p);
    if (p < 0 || p + 10 > buf.length) return false;
    p += 10 + buf.readUInt16BE(p + 8);
    if (p > buf.length) return false;
  }
  let code = (hflags & 0x0100 ? Q_RD : 0) | (tcp ? Q_TCP : 0) | (hflags & 0x0010 ? Q_CD : 0);
  let rcodeHigh = 0;
  let ecs: string | undefined;
  for (let i = 0; i < ar; i++) {
    const owner = p;
    p = skipName(buf, p);
    if (p < 0 || p + 10 > buf.length) return false;
    const type = buf.readUInt16BE(p);
    const rdlen = buf.readUInt16BE(p + 8);
    const rdata = p + 10;
    if (rdata + rdlen > buf.length) return false;
    if (type === OPT) {
      rcodeHigh = buf[p + 4]!;
      // The last OPT decides version and DO (a second OPT breaks RFC 6891, but may come).
      code =
        (code & (Q_RD | Q_TCP | Q_CD | Q_SIGNED | Q_COOKIE)) |
        ((buf[p + 5]! + 1) << Q_EDNS_SHIFT) |
        (buf[p + 6]! & 0x80 ? Q_DO : 0);
      for (let o = rdata; o + 4 <= rdata + rdlen;) {
        const option = buf.readUInt16BE(o);
        const olen = buf.readUInt16BE(o + 2);
        if (o + 4 + olen > rdata + rdlen) return false;
        if (option === OPTION_COOKIE) code |= Q_COOKIE;
        else if (option === OPTION_ECS) ecs = ecsOf(buf, o + 4, olen);
        o += 4 + olen;
      }
    } else if (type === TSIG || type === SIG) {
      code |= Q_SIGNED;
    } else if (type === SOA) {
      soaOwners.push(owner);
    }
    p = rdata + rdlen;
  }
  head.id = buf.readUInt16BE(0);
  head.flags = queryFlagsText(code);
  head.ecs = ecs;
  head.qEnd = qEnd;
  head.anStart = anStart;
  head.rcodeHigh = rcodeHigh;
  return true;
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

/** The last scanQuery's result (valid until the next scan; copy what you keep). */
export const scannedQuery = {
  id: 0,
  qname: '',
  qtype: '',
  qclass: '',
  flags: '',
  ecs: undefined as string | undefined,
};

/**
 * Scans a query into `scannedQuery`; false when malformed. `tcp`: it came over a stream
 * transport (the `T` flag).
 */
export function scanQuery(buf: Buffer, tcp: boolean): boolean {
  if (!scanHeader(buf, tcp)) return false;
  const q = scannedQuery;
  q.id = head.id;
  q.flags = head.flags;
  q.ecs = head.ecs;
  q.qname = '';
  q.qtype = '';
  q.qclass = '';
  if (head.qEnd > 0) {
    const name = nameText(buf, 12);
    if (name === null) return false;
    const end = nameEnd();
    q.qname = name;
    q.qtype = typeName(buf.readUInt16BE(end));
    q.qclass = className(buf.readUInt16BE(end + 2));
  }
  return true;
}

/** A query's question and flags as an object (off the hot path). Null when malformed. */
export function readQuery(buf: Buffer, tcp: boolean): QueryInfo | null {
  if (!scanQuery(buf, tcp)) return null;
  const { ecs, ...info } = scannedQuery;
  return ecs !== undefined ? { ...info, ecs } : info;
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

/** What a response adds to its query: `flags` and `ecs` are the query's when it was seen. */
export type QueryFlags = Pick<QueryInfo, 'qname' | 'qtype' | 'qclass' | 'flags' | 'ecs'>;

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
  return nameText(buf, off) ?? '';
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

/** A record of the answer summary: `A 192.0.2.1`, `MX 10 mx.example`, or the type alone. */
function recordText(buf: Buffer, type: number, start: number, len: number): string {
  switch (type) {
    case A:
      return len === 4 ? `A ${ipv4Text(buf, start)}` : 'A';
    case AAAA:
      return len === 16 ? `AAAA ${formatAddress(buf, start, 16)}` : 'AAAA';
    case CNAME:
    case DNAME:
    case NS:
    case PTR:
    case SOA: {
      const name = rdataName(buf, start);
      return name ? `${typeName(type)} ${name}` : typeName(type);
    }
    case MX: {
      const exchange = len >= 3 ? rdataName(buf, start + 2) : '';
      return exchange ? `MX ${buf.readUInt16BE(start)} ${exchange}` : 'MX';
    }
    case SRV: {
      const target = len >= 7 ? rdataName(buf, start + 6) : '';
      return target
        ? `SRV ${buf.readUInt16BE(start)} ${buf.readUInt16BE(start + 2)} ${buf.readUInt16BE(start + 4)} ${target}`
        : 'SRV';
    }
    case TXT: {
      const text = txtText(buf, start, start + len);
      return text ? `TXT ${text}` : 'TXT';
    }
    default:
      return typeName(type);
  }
}

/** The last scanResponse's result (valid until the next scan; copy what you keep). */
export const scannedResponse: ResponseSummary = {
  id: 0,
  qname: '',
  qtype: '',
  qclass: '',
  rcode: '',
  responseFlags: '',
  flags: '',
  answerCount: 0,
  answer: '',
  responseSize: 0,
  blocked: false,
  rpzAction: null,
};

/** Type of the first answer record (-1: none), for the RPZ action. */
let firstAnswerType = -1;

/**
 * The answer section from `p` (its records were bounds-checked by scanHeader) into
 * scannedResponse. Only the summary's first 256 characters are built; the rest is counted.
 */
function scanAnswers(buf: Buffer, p: number, count: number): boolean {
  let out = '';
  firstAnswerType = -1;
  for (let i = 0; i < count; i++) {
    p = skipName(buf, p);
    if (p < 0 || p + 10 > buf.length) return false;
    const type = buf.readUInt16BE(p);
    const len = buf.readUInt16BE(p + 8);
    const start = p + 10;
    if (start + len > buf.length) return false;
    if (i === 0) firstAnswerType = type;
    if (out.length < MAX_ANSWER) {
      const part = recordText(buf, type, start, len);
      out = out ? `${out}, ${part}` : part;
    }
    p = start + len;
  }
  scannedResponse.answerCount = count;
  scannedResponse.answer = out.length > MAX_ANSWER ? out.slice(0, MAX_ANSWER) : out;
  return true;
}

function normalizeZone(z: string): string {
  return (z.endsWith('.') ? z.slice(0, -1) : z).toLowerCase();
}

/** The policy zone whose SOA the response carries in ADDITIONAL, if any. */
function policyZoneOf(buf: Buffer, rpzZones: readonly string[]): string | null {
  if (rpzZones.length === 0) return null;
  for (let i = 0; i < soaOwners.length; i++) {
    const owner = nameText(buf, soaOwners[i]!);
    if (owner === null) continue;
    for (const z of rpzZones) if (normalizeZone(z) === owner) return owner;
  }
  return null;
}

function rpzActionOf(rcode: string, answerCount: number): string {
  if (rcode === 'NXDOMAIN') return 'NXDOMAIN';
  if (rcode !== 'NOERROR') return 'POLICY';
  if (answerCount === 0) return 'NODATA';
  return firstAnswerType === CNAME ? 'CNAME' : 'LOCAL-DATA';
}

/**
 * Scans a response (with its query's facts when dnstap paired them) into `scannedResponse`.
 * `tcp` marks a stream transport; `rpzZones` lists the response-policy zone names. False when
 * the response is malformed.
 */
export function scanResponse(
  response: Buffer,
  query: QueryFlags | null,
  tcp: boolean,
  rpzZones: readonly string[],
): boolean {
  if (!scanHeader(response, tcp)) return false;
  const r = scannedResponse;
  if (!scanAnswers(response, head.anStart, response.readUInt16BE(6))) return false;
  const hflags = response.readUInt16BE(2);
  const rcode = rcodeName((head.rcodeHigh << 4) | (hflags & 0x0f));
  const zone = policyZoneOf(response, rpzZones);
  if (query !== null) {
    r.qname = query.qname;
    r.qtype = query.qtype;
    r.qclass = query.qclass;
    r.flags = query.flags;
    r.ecs = query.ecs;
  } else {
    r.qname = '';
    r.qtype = '';
    r.qclass = '';
    r.flags = head.flags;
    r.ecs = head.ecs;
    if (head.qEnd > 0) {
      const name = nameText(response, 12);
      if (name === null) return false;
      const end = nameEnd();
      r.qname = name;
      r.qtype = typeName(response.readUInt16BE(end));
      r.qclass = className(response.readUInt16BE(end + 2));
    }
  }
  r.id = head.id;
  r.rcode = rcode;
  r.responseFlags = responseFlagsOf(hflags);
  r.responseSize = response.length;
  r.blocked = zone !== null;
  r.rpzAction = zone !== null ? rpzActionOf(rcode, r.answerCount) : null;
  return true;
}

/** scanResponse as an object (off the hot path). Null when the response is malformed. */
export function summarizeResponse(
  response: Buffer,
  query: QueryFlags | null,
  tcp: boolean,
  rpzZones: readonly string[],
): ResponseSummary | null {
  if (!scanResponse(response, query, tcp, rpzZones)) return null;
  const { ecs, ...summary } = scannedResponse;
  return ecs !== undefined ? { ...summary, ecs } : summary;
}
