import { apiRequest } from './http-api.js';

/**
 * The event log as GET /api/events returns it: what tests compare a client's stream with.
 * A failed query throws, so a test cannot mistake an error for an empty history.
 */

export interface LoggedEventRow {
  id: string;
  seq: number;
  type: string;
  ts: string;
  data: unknown;
}

export interface EventQuery {
  /** One type or several (sent comma-separated). */
  type?: string | readonly string[];
  order?: 'asc' | 'desc';
  limit?: number;
  afterSeq?: number;
}

/** The largest page the endpoint serves. */
export const EVENT_PAGE_LIMIT = 500;

function queryString(query: EventQuery): string {
  const params = new URLSearchParams();
  if (query.type !== undefined) {
    params.set('type', typeof query.type === 'string' ? query.type : query.type.join(','));
  }
  if (query.order !== undefined) params.set('order', query.order);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.afterSeq !== undefined) params.set('afterSeq', String(query.afterSeq));
  // Readable URLs in failures: commas need no escaping in a query.
  return params.toString().replaceAll('%2C', ',');
}

/** One page of GET `${baseUrl}/api/events`; throws unless the answer is 200. */
export async function queryEvents(
  baseUrl: string,
  token: string,
  query: EventQuery = {},
): Promise<LoggedEventRow[]> {
  const res = await apiRequest(`${baseUrl}/api/events?${queryString(query)}`, { token });
  if (res.status !== 200) {
    throw new Error(`GET /api/events: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return (res.body as { events: LoggedEventRow[] }).events;
}

/** Every matching event, oldest first, paging with afterSeq. */
export async function allEvents(
  baseUrl: string,
  token: string,
  query: Omit<EventQuery, 'order' | 'limit' | 'afterSeq'> = {},
): Promise<LoggedEventRow[]> {
  const all: LoggedEventRow[] = [];
  for (;;) {
    const last = all[all.length - 1];
    const page = await queryEvents(baseUrl, token, {
      ...query,
      order: 'asc',
      limit: EVENT_PAGE_LIMIT,
      ...(last ? { afterSeq: last.seq } : {}),
    });
    all.push(...page);
    if (page.length < EVENT_PAGE_LIMIT) return all;
  }
}
