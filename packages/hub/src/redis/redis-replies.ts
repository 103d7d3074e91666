import type { LoggedEvent, NewEvent } from '../event-log/event-log.js';

/**
 * Replies of the log's scripts, parsed from `unknown`. The entries are this log's own writes,
 * so a reply of another shape means the keys were written by something else: it is an error
 * naming what was wrong, never a guess.
 */
export class RedisReplyError extends Error {
  constructor(what: string) {
    super(`unexpected Redis reply: ${what}`);
    this.name = 'RedisReplyError';
  }
}

export function asString(raw: unknown, what: string): string {
  if (typeof raw === 'string') return raw;
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  throw new RedisReplyError(`${what} is not a string`);
}

export function asArray(raw: unknown, what: string): unknown[] {
  if (!Array.isArray(raw)) throw new RedisReplyError(`${what} is not an array`);
  return raw as unknown[];
}

export function asInt(raw: unknown, what: string): number {
  const n = typeof raw === 'number' ? raw : Number(asString(raw, what));
  if (!Number.isSafeInteger(n) || n < 0) throw new RedisReplyError(`${what} is not a count`);
  return n;
}

/** `12-0` → 12. */
export function seqOfEntryId(id: string): number {
  const dash = id.indexOf('-');
  const seq = Number(dash < 0 ? id : id.slice(0, dash));
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RedisReplyError(`entry id ${id}`);
  return seq;
}

/** The JSON kept in an entry's `e` field: the event as appended, without its seq. */
export function encodeEvent(event: NewEvent): string {
  const { id, event: type, category, priority, ts, data, meta } = event;
  return JSON.stringify({ id, event: type, category, priority, ts, data, meta });
}

export function decodeEvent(json: string, seq: number): LoggedEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new RedisReplyError(`event ${seq} is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new RedisReplyError(`event ${seq} is not an object`);
  }
  const e = parsed as Partial<NewEvent>;
  if (typeof e.id !== 'string' || typeof e.event !== 'string' || typeof e.ts !== 'string') {
    throw new RedisReplyError(`event ${seq} lacks id, event or ts`);
  }
  const { id, event, category, priority, ts, data, meta } = e as NewEvent;
  return { id, event, category, priority, ts, data, meta, seq };
}

/** One stream entry `[id, [field, value, …]]` → the logged event in its `e` field. */
export function parseEntry(raw: unknown): LoggedEvent {
  const [id, fields] = asArray(raw, 'stream entry');
  const seq = seqOfEntryId(asString(id, 'entry id'));
  const list = asArray(fields, 'entry fields');
  for (let i = 0; i + 1 < list.length; i += 2) {
    if (asString(list[i], 'field name') === 'e')
      return decodeEvent(asString(list[i + 1], 'e'), seq);
  }
  throw new RedisReplyError(`entry ${seq} has no event`);
}

export function parseEntries(raw: unknown): LoggedEvent[] {
  return asArray(raw, 'stream entries').map(parseEntry);
}
