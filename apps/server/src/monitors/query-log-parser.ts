import type { EventDataOf } from '@hdns/protocol';
import { parseClientPrefix } from './bind-log-prefix.js';

/**
 * BIND 9.18 query-log lines (category `queries`) → the `dns_query_log` payload:
 *
 *   22-Nov-2026 12:34:05.376 queries: info: client @0x7fa9b1d46098 127.0.0.1#58936 (www.example.test): query: www.example.test IN A +E(0)K (127.0.0.1)
 *   … ::1#49884 (www.example.test): view internal: query: www.example.test IN A +E(0)K (::1) [ECS 2001:db8::/48/0]
 *
 * Anything else (other categories, garbage, truncated lines) gives null, never an exception,
 * and every returned object satisfies the catalogue's schema (lengths checked here), so the
 * hub never rejects it. An ECS option (`[ECS address/source/scope]`) becomes
 * `ecs: 'address/source'`: the scope is always 0 in a query, so it says nothing. The query log
 * says nothing about blocks (those are in the rpz log), so `blocked` is left out. `ts` is the
 * log's own time (see bind-log-prefix.ts), or the parse time when the line has none (print-time
 * off).
 */

export type ParsedQuery = Omit<EventDataOf<'dns_query_log'>, 'sampled' | 'blocked'>;

const QUERY = 'query: ';
const ECS = ' [ECS ';

/** `address/source` from the ` [ECS address/source/scope]` after the server; undefined if absent. */
function parseEcs(line: string, from: number): string | undefined {
  if (!line.startsWith(ECS, from)) return undefined;
  const start = from + ECS.length;
  const end = line.indexOf(']', start);
  if (end < 0) return undefined;
  const parts = line.slice(start, end).split('/');
  const [address, source] = parts;
  if (parts.length !== 3 || !address || address.length > 45 || !/^\d{1,3}$/.test(source ?? '')) {
    return undefined;
  }
  return `${address}/${source}`;
}

export function parseQueryLine(line: string): ParsedQuery | null {
  const prefix = parseClientPrefix(line);
  if (prefix === null || !line.startsWith(QUERY, prefix.bodyStart)) return null;
  const a = prefix.bodyStart + QUERY.length;
  const s1 = line.indexOf(' ', a);
  if (s1 < 0) return null;
  const s2 = line.indexOf(' ', s1 + 1);
  if (s2 < 0) return null;
  const s3 = line.indexOf(' ', s2 + 1);
  if (s3 < 0) return null;
  const s4 = line.indexOf(' ', s3 + 1);
  if (s4 < 0 || line.charCodeAt(s4 + 1) !== 40 /* ( */) return null;
  const serverEnd = line.indexOf(')', s4 + 2);
  if (serverEnd < 0) return null;
  const qname = line.slice(a, s1);
  const qclass = line.slice(s1 + 1, s2);
  const qtype = line.slice(s2 + 1, s3);
  const flags = line.slice(s3 + 1, s4);
  const server = line.slice(s4 + 2, serverEnd);
  const sign = flags.charCodeAt(0);
  if (sign !== 43 /* + */ && sign !== 45 /* - */) return null;
  if (qname.length === 0 || qname.length > 255 || qclass.length === 0 || qclass.length > 8) {
    return null;
  }
  if (qtype.length === 0 || qtype.length > 16 || flags.length > 32) return null;
  if (server.length === 0 || server.length > 64 || prefix.clientIp.length === 0) return null;
  const ecs = parseEcs(line, serverEnd + 1);
  return {
    ts: prefix.ts ?? new Date().toISOString(),
    clientIp: prefix.clientIp,
    clientPort: prefix.clientPort,
    qname,
    qclass,
    qtype,
    flags,
    server,
    ...(prefix.view !== undefined ? { view: prefix.view } : {}),
    ...(ecs !== undefined ? { ecs } : {}),
  };
}
