import type { EventDataOf } from '@hdns/protocol';
import type { QueryFacts } from './query-facts.js';

export type QueryEventData = EventDataOf<'dns_query_log'>;

/**
 * The live `dns_query_log` payload of one query: the facts the source knows, nothing invented.
 * A text-log query keeps exactly the fields it always had (clients of the old stream see no
 * change); a dnstap query adds the answer facts. `sampled` is added by the stream.
 */
export function queryEventData(f: QueryFacts): QueryEventData {
  const data: QueryEventData = {
    ts: f.ts,
    clientIp: f.clientIp,
    clientPort: f.clientPort,
    qname: f.qname,
    qtype: f.qtype,
    qclass: f.qclass,
    flags: f.flags,
    server: f.server,
  };
  if (f.view !== undefined) data.view = f.view;
  if (f.ecs !== undefined) data.ecs = f.ecs;
  if (f.source === 'querylog') return data;
  data.source = f.source;
  data.transport = f.transport;
  data.blocked = f.blocked;
  if (f.rcode !== null) data.rcode = f.rcode;
  if (f.responseFlags !== null) data.responseFlags = f.responseFlags;
  if (f.answerCount !== null) data.answerCount = f.answerCount;
  if (f.answer !== null && f.answer !== '') data.answer = f.answer;
  if (f.responseSize !== null) data.responseSize = f.responseSize;
  if (f.latencyMs !== null) data.latencyMs = f.latencyMs;
  if (f.rpzAction !== null) data.rpzAction = f.rpzAction;
  if (f.node !== null) data.node = f.node;
  return data;
}
