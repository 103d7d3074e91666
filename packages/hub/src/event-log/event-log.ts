import type { Category, EventFrame, EventType } from '@hdns/protocol';

/** An event as the log keeps it: the wire event minus the frame tag, never redacted. */
export type LoggedEvent = Omit<EventFrame, 'type'>;

/** What `append` takes: the log assigns `seq`. */
export type NewEvent = Omit<LoggedEvent, 'seq'>;

export interface EventQuery {
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

export interface RetentionPolicy {
  /** Keep at most this many events (oldest pruned first). */
  maxEvents: number;
  /** Drop events older than this many milliseconds. */
  maxAgeMs: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  maxEvents: 100_000,
  maxAgeMs: 7 * 24 * 3600_000,
};

/**
 * Append-only event store with a monotonically increasing `seq` per `epoch`.
 *
 * Contract (checked by event-log.contract.ts against every implementation):
 * - `append` assigns seq = previous seq + 1 (the first is 1) and resolves in call order.
 * - `epoch` names one continuous seq space. It changes only when seqs could repeat (a new
 *   memory log, a wiped database). A reader holding (epoch, seq) from another epoch must reload.
 * - `readAfter(seq)` returns events with seq > `seq` in ascending order, at most `limit`.
 * - `oldestSeq()` is the smallest seq still retained (or lastSeq + 1 when empty), so a reader at
 *   position p can resume without a gap iff p >= oldestSeq() - 1.
 * - Retention prunes by count and age; pruning never changes seqs.
 * - `close()` is idempotent; calls after close reject.
 */
export interface EventLog {
  readonly epoch: string;
  append(event: NewEvent): Promise<LoggedEvent>;
  readAfter(seq: number, limit: number): Promise<LoggedEvent[]>;
  query(filter: EventQuery): Promise<LoggedEvent[]>;
  countByCategory(filter: EventQuery): Promise<Partial<Record<Category, number>>>;
  lastSeq(): Promise<number>;
  oldestSeq(): Promise<number>;
  /** Applies the retention policy now; returns how many events were removed. */
  prune(now?: number): Promise<number>;
  close(): Promise<void>;
}

/** Shared filter predicate, used by the memory log and by tests as the reference semantics. */
export function matchesQuery(e: LoggedEvent, q: EventQuery): boolean {
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
