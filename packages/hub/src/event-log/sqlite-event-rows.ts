import type { EventQuery, LoggedEvent } from './event-log.js';

/** A `hub_events` row (SqliteEventLog): data and meta are one JSON body. */
export interface Row {
  seq: number;
  id: string;
  type: string;
  category: string;
  priority: string;
  ts: string;
  body: string;
}

export function fromRow(row: Row): LoggedEvent {
  const body = JSON.parse(row.body) as Pick<LoggedEvent, 'data' | 'meta'>;
  return {
    seq: row.seq,
    id: row.id,
    event: row.type as LoggedEvent['event'],
    category: row.category as LoggedEvent['category'],
    priority: row.priority as LoggedEvent['priority'],
    ts: row.ts,
    data: body.data,
    meta: body.meta,
  };
}

/** The WHERE clause and parameters of an EventQuery (every filter maps onto an indexed column). */
export function whereClause(q: EventQuery): { where: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  if (q.ids) {
    parts.push(`id IN (${q.ids.map(() => '?').join(',') || 'NULL'})`);
    params.push(...q.ids);
  }
  if (q.afterSeq !== undefined) {
    parts.push('seq > ?');
    params.push(q.afterSeq);
  }
  if (q.beforeSeq !== undefined) {
    parts.push('seq < ?');
    params.push(q.beforeSeq);
  }
  if (q.since !== undefined) {
    parts.push('ts >= ?');
    params.push(q.since);
  }
  if (q.until !== undefined) {
    parts.push('ts <= ?');
    params.push(q.until);
  }
  if (q.types) {
    parts.push(`type IN (${q.types.map(() => '?').join(',') || 'NULL'})`);
    params.push(...q.types);
  }
  if (q.categories) {
    parts.push(`category IN (${q.categories.map(() => '?').join(',') || 'NULL'})`);
    params.push(...q.categories);
  }
  if (q.zones) {
    parts.push(`(zone IS NULL OR zone IN (${q.zones.map(() => '?').join(',') || 'NULL'}))`);
    params.push(...q.zones);
  }
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}
