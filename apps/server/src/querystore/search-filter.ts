import type { QueryRecord, QuerySearch } from '@hdns/protocol/rest';
import type { QueryFacts } from '../queries/query-facts.js';
import { addressBytes, addressText } from '../lib/ip-text.js';
import { addressRange } from './address-bytes.js';
import { decodeCursor, type CursorPosition } from './query-cursor.js';
import { reverseName, suffixRange } from './reversed-name.js';

/**
 * A search as both backends run it: times in epoch ms, the client as a key range, the name as
 * the reversed form the index holds, and the SQL conditions over the shared column names.
 */
export interface SearchFilter {
  fromMs: number | null;
  toMs: number | null;
  after: CursorPosition | null;
  client: { first: Buffer; last: Buffer } | null;
  name: { match: QuerySearch['nameMatch']; value: string } | null;
  qtypes: string[] | null;
  rcodes: string[] | null;
  transports: string[] | null;
  blocked: boolean | null;
  minLatencyMs: number | null;
  node: string | null;
  limit: number;
}

export function searchFilter(q: QuerySearch): SearchFilter {
  return {
    fromMs: q.from === undefined ? null : Date.parse(q.from),
    toMs: q.to === undefined ? null : Date.parse(q.to),
    after: q.cursor === undefined ? null : decodeCursor(q.cursor),
    client: q.client === undefined ? null : addressRange(q.client),
    name: q.name === undefined ? null : { match: q.nameMatch, value: q.name },
    qtypes: q.qtype ?? null,
    rcodes: q.rcode ?? null,
    transports: q.transport ?? null,
    blocked: q.blocked ?? null,
    minLatencyMs: q.minLatencyMs ?? null,
    node: q.node ?? null,
    limit: q.limit,
  };
}

/** How a backend spells the few conditions that differ. */
export interface SqlSpelling {
  /** Adds a parameter, returns its placeholder. */
  param(value: unknown): string;
  /** A condition true when the query name contains the placeholder's text. */
  contains(placeholder: string): string;
  bool(value: boolean): unknown;
}

/** The WHERE conditions of a search (joined with AND; none means every row). */
export function whereClauses(f: SearchFilter, s: SqlSpelling): string[] {
  const where: string[] = [];
  if (f.fromMs !== null) where.push(`ts >= ${s.param(f.fromMs)}`);
  if (f.toMs !== null) where.push(`ts < ${s.param(f.toMs)}`);
  if (f.after) {
    // Each placeholder is its own parameter (SQLite's `?` are positional).
    where.push(
      `(ts < ${s.param(f.after.ts)} OR (ts = ${s.param(f.after.ts)} AND seq < ${s.param(f.after.seq)}))`,
    );
  }
  if (f.client) {
    where.push(
      f.client.first.equals(f.client.last)
        ? `client = ${s.param(f.client.first)}`
        : `client BETWEEN ${s.param(f.client.first)} AND ${s.param(f.client.last)}`,
    );
  }
  if (f.name) {
    const { match, value } = f.name;
    if (match === 'exact') where.push(`rname = ${s.param(reverseName(value))}`);
    else if (match === 'suffix') {
      const r = suffixRange(value);
      where.push(
        `(rname = ${s.param(r.exact)} OR (rname >= ${s.param(r.from)} AND rname < ${s.param(r.below)}))`,
      );
    } else where.push(s.contains(s.param(value)));
  }
  const list = (column: string, values: string[] | null) => {
    if (values) where.push(`${column} IN (${values.map((v) => s.param(v)).join(', ')})`);
  };
  list('qtype', f.qtypes);
  list('rcode', f.rcodes);
  list('transport', f.transports);
  if (f.blocked !== null) where.push(`blocked = ${s.param(s.bool(f.blocked))}`);
  if (f.minLatencyMs !== null) where.push(`latency >= ${s.param(f.minLatencyMs)}`);
  if (f.node !== null) where.push(`node = ${s.param(f.node)}`);
  return where;
}

/** The columns both backends store, in insert order. */
export const COLUMNS = [
  'ts',
  'seq',
  'client',
  'port',
  'transport',
  'rname',
  'qtype',
  'qclass',
  'rcode',
  'flags',
  'rflags',
  'answer_count',
  'answer',
  'size',
  'latency',
  'blocked',
  'rpz',
  'node',
  'server',
  'source',
] as const;

/** A stored row as either backend returns it. */
export interface StoredRow {
  ts: number | string;
  seq: number | string;
  client: Uint8Array;
  port: number;
  transport: string;
  rname: string;
  qtype: string;
  qclass: string;
  rcode: string | null;
  flags: string;
  rflags: string | null;
  answer_count: number | null;
  answer: string | null;
  size: number | null;
  latency: number | null;
  blocked: number | boolean;
  rpz: string | null;
  node: string | null;
  server: string;
  source: string;
}

/** The column values of one query, in COLUMNS order. */
export function rowValues(f: QueryFacts, seq: number): unknown[] {
  return [
    f.tsMs,
    seq,
    addressBytes(f.clientIp),
    f.clientPort,
    f.transport,
    reverseName(f.qname),
    f.qtype,
    f.qclass,
    f.rcode,
    f.flags,
    f.responseFlags,
    f.answerCount,
    f.answer,
    f.responseSize,
    f.latencyMs,
    f.blocked ? 1 : 0,
    f.rpzAction,
    f.node,
    f.server,
    f.source,
  ];
}

export function recordOf(row: StoredRow): QueryRecord {
  const ts = Number(row.ts);
  return {
    id: String(row.seq),
    ts: new Date(ts).toISOString(),
    clientIp: addressText(row.client),
    clientPort: row.port,
    transport: row.transport as QueryRecord['transport'],
    qname: reverseName(row.rname),
    qtype: row.qtype,
    qclass: row.qclass,
    rcode: row.rcode,
    flags: row.flags,
    responseFlags: row.rflags,
    answerCount: row.answer_count,
    answer: row.answer,
    responseSize: row.size,
    latencyMs: row.latency,
    blocked: row.blocked === true || row.blocked === 1,
    rpzAction: row.rpz,
    node: row.node,
    server: row.server,
    source: row.source as QueryRecord['source'],
  };
}
