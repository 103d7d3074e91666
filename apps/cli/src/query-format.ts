/**
 * `hdns tail queries`: the client-side filter and the line format for dns_query_log events.
 *
 *   12:34:05 192.0.2.7 www.example.com A +E(0)K
 *
 * Contract: `HH:MM:SS` (UTC, from the query's own time), client address exactly as the server
 * sent it (`[redacted]` for readers below operator), qname, qtype, BIND's flags, then
 * ` BLOCKED` when the query was blocked. `--domain example.com` matches the name itself and
 * every name below it, case-insensitively, trailing dots ignored; `--client` matches the address
 * exactly.
 */
import type { EventDataOf } from '@hdns/protocol';
import { oneLine } from './event-format.js';

export type QueryLog = EventDataOf<'dns_query_log'>;

export interface QueryFilter {
  client?: string;
  domain?: string;
}

export function formatQuery(q: QueryLog): string {
  const d = new Date(q.ts);
  const time = Number.isNaN(d.getTime()) ? q.ts : d.toISOString().slice(11, 19);
  return oneLine(
    `${time} ${q.clientIp} ${q.qname} ${q.qtype} ${q.flags}${q.blocked ? ' BLOCKED' : ''}`,
  );
}

export function matchesQuery(q: QueryLog, filter: QueryFilter): boolean {
  if (filter.client !== undefined && q.clientIp !== filter.client) return false;
  if (filter.domain !== undefined) {
    const name = normalizeName(q.qname);
    const domain = normalizeName(filter.domain);
    if (name !== domain && !name.endsWith(`.${domain}`)) return false;
  }
  return true;
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.+$/, '');
}
