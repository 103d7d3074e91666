import type { ParsedQuery } from '../monitors/query-log-parser.js';
import type { QueryFacts } from './query-facts.js';

/**
 * A text query-log line's query as facts for the store and the statistics: what the log says
 * (client, name, type, class, flags, server, view, ECS) and null for what it cannot know
 * (rcode, answer, size, latency). `T` in BIND's flag string marks a TCP query. `blocked` is
 * false here: the rpz log reports rewrites separately and the log line cannot be tied to them.
 */
export function queryLogFacts(q: ParsedQuery): QueryFacts {
  const tsMs = Date.parse(q.ts);
  return {
    ts: q.ts,
    tsMs: Number.isFinite(tsMs) ? tsMs : Date.now(),
    clientIp: q.clientIp,
    clientPort: q.clientPort,
    transport: q.flags.includes('T') ? 'tcp' : 'udp',
    qname: q.qname.toLowerCase().replace(/\.$/, ''),
    qtype: q.qtype,
    qclass: q.qclass,
    rcode: null,
    flags: q.flags,
    responseFlags: null,
    answerCount: null,
    answer: null,
    responseSize: null,
    latencyMs: null,
    blocked: false,
    rpzAction: null,
    node: null,
    server: q.server,
    source: 'querylog',
    ...(q.view !== undefined ? { view: q.view } : {}),
    ...(q.ecs !== undefined ? { ecs: q.ecs } : {}),
  };
}
