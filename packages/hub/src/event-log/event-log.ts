import {
  isTrafficEvent,
  typesInCategory,
  type Category,
  type EventFrame,
  type EventType,
} from '@hdns/protocol';

/** An event as the log keeps it: the wire event minus the frame tag, never redacted. */
export type LoggedEvent = Omit<EventFrame, 'type'>;

/** What `append` takes: the log assigns `seq`. */
export type NewEvent = Omit<LoggedEvent, 'seq'>;

export interface EventQuery {
  /** Only events with one of these ids (an indexed lookup: acks, dedup checks). */
  ids?: readonly string[];
  /** Only events with seq strictly greater than this. */
  afterSeq?: number;
  /** Only events with seq strictly less than this (paging backwards). */
  beforeSeq?: number;
  types?: readonly EventType[];
  categories?: readonly Category[];
  /** ISO timestamps, inclusive. */
  since?: string;
  until?: string;
  /**
   * Zone filter for zone-scoped readers: events whose `meta.zone` is set must have it in this
   * list; events without a zone pass.
   */
  zones?: readonly string[];
  /** Newest first when 'desc'. Default 'asc'. */
  order?: 'asc' | 'desc';
  limit?: number;
}

export interface RetentionLimits {
  /** Keep at most this many events (oldest pruned first). */
  maxEvents: number;
  /** Drop events older than this many milliseconds. */
  maxAgeMs: number;
}

/**
 * Two retention pools. Traffic events (the catalogue's `traffic` flag: the query log, query
 * stats, RPZ hits; events DNS clients cause at will, hundreds a second) are a pool of their own:
 * they count only against `traffic` (the shared limits when absent), so a flood of them never
 * pushes zone, security or user events out, and pruning the shared pool never removes them.
 * Every other event is in the shared pool, limited by `maxEvents` and `maxAgeMs`.
 */
export interface RetentionPolicy extends RetentionLimits {
  traffic?: RetentionLimits;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  maxEvents: 100_000,
  maxAgeMs: 7 * 24 * 3600_000,
  traffic: { maxEvents: 100_000, maxAgeMs: 24 * 3600_000 },
};

/** Outcome of `appendIfNew`: `added` is false when an event with that id was already logged. */
export interface AppendResult {
  event: LoggedEvent;
  added: boolean;
}

/** Name of the pool of every event that is not a traffic event. */
export const SHARED_POOL = '*';
/** Name of the pool of traffic events. */
export const TRAFFIC_POOL = 'traffic';
export type PoolName = typeof SHARED_POOL | typeof TRAFFIC_POOL;

/** The pool an event type is retained in (fixed by the catalogue, not by the policy). */
export function retentionPool(type: EventType): PoolName {
  return isTrafficEvent(type) ? TRAFFIC_POOL : SHARED_POOL;
}

/** Each pool's name and limits. */
export function retentionPools(
  policy: RetentionPolicy,
): { pool: PoolName; limits: RetentionLimits }[] {
  return [
    { pool: SHARED_POOL, limits: { maxEvents: policy.maxEvents, maxAgeMs: policy.maxAgeMs } },
    { pool: TRAFFIC_POOL, limits: policy.traffic ?? policy },
  ];
}

/** The pools the events of these categories live in (a category may span both). */
export function poolsOfCategories(categories: readonly Category[]): Set<PoolName> {
  return new Set(categories.flatMap((c) => typesInCategory(c).map(retentionPool)));
}

/**
 * Append-only event store with a monotonically increasing `seq` per `epoch`.
 *
 * Contract (checked by event-log.contract.ts against every implementation):
 * - `append` assigns seq = previous seq + 1 (the first is 1) and resolves in call order.
 * - Appends are idempotent by event id: appending an id that is already logged adds nothing and
 *   resolves to the event as first logged (its seq, ts and data); `appendIfNew` says which
 *   happened. This is what lets the outbox relay deliver at least once and the log still hold
 *   every event exactly once. (An id is remembered as long as its event is retained.)
 * - `epoch` names one continuous seq space. It changes only when seqs could repeat (a new
 *   memory log, a wiped database). A reader holding (epoch, seq) from another epoch must reload.
 * - `readAfter(seq)` returns events with seq > `seq` in ascending order, at most `limit`.
 * - Retention prunes each pool (see RetentionPolicy) by count and age, always from the pool's
 *   oldest seq forward (a prefix), so what a pool retains is contiguous; pruning never changes
 *   seqs and never touches another pool.
 * - `oldestSeq(categories)` is the resume horizon for a reader of those categories (all when
 *   omitted): a reader at position p misses nothing of them iff p >= oldestSeq(categories) - 1.
 *   It is one more than the highest seq ever pruned from the pools involved (1 when none was),
 *   and it survives a reopen of durable storage.
 * - Lookups by id, by seq and by (category, seq) are indexed, not scans of the whole log.
 * - `close()` is idempotent; calls after close reject.
 */
export interface EventLog {
  readonly epoch: string;
  append(event: NewEvent): Promise<LoggedEvent>;
  appendIfNew(event: NewEvent): Promise<AppendResult>;
  readAfter(seq: number, limit: number): Promise<LoggedEvent[]>;
  query(filter: EventQuery): Promise<LoggedEvent[]>;
  countByCategory(filter: EventQuery): Promise<Partial<Record<Category, number>>>;
  lastSeq(): Promise<number>;
  oldestSeq(categories?: readonly Category[]): Promise<number>;
  /** Applies the retention policy now; returns how many events were removed. */
  prune(now?: number): Promise<number>;
  close(): Promise<void>;
}

/** Shared filter predicate, used by the memory log and by tests as the reference semantics. */
export function matchesQuery(e: LoggedEvent, q: EventQuery): boolean {
  if (q.ids && !q.ids.includes(e.id)) return false;
  if (q.afterSeq !== undefined && e.seq <= q.afterSeq) return false;
  if (q.beforeSeq !== undefined && e.seq >= q.beforeSeq) return false;
  if (q.types && !q.types.includes(e.event)) return false;
  if (q.categories && !q.categories.includes(e.category)) return false;
  if (q.since !== undefined && e.ts < q.since) return false;
  if (q.until !== undefined && e.ts > q.until) return false;
  if (q.zones) {
    const zone = e.meta.zone;
    if (zone != null && !q.zones.includes(zone)) return false;
  }
  return true;
}

export class EventLogClosedError extends Error {
  constructor() {
    super('event log is closed');
    this.name = 'EventLogClosedError';
  }
}

/**
 * The resume horizon (see `EventLog.oldestSeq`) from each pool's highest pruned seq: one more
 * than the highest among the pools the categories live in (every pool when none are given).
 */
export function resumeHorizon(
  prunedThrough: ReadonlyMap<string, number>,
  categories?: readonly Category[],
): number {
  const pools: Set<PoolName> = categories
    ? poolsOfCategories(categories)
    : new Set([SHARED_POOL, TRAFFIC_POOL]);
  let highest = 0;
  for (const pool of pools) highest = Math.max(highest, prunedThrough.get(pool) ?? 0);
  return highest + 1;
}
