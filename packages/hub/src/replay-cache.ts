import type { EventType } from '@hdns/protocol';
import type { EncodedEvent } from './encoded-event.js';
import type { EventLog, LoggedEvent } from './event-log/event-log.js';

/** What a replay reads: the subscribed types and, for a zone-scoped reader, its zones. */
export interface ReplayFilter {
  /** Sorted (a session's subscriptions are). */
  types: readonly EventType[];
  zones?: readonly string[];
}

export interface ReplayCacheOptions {
  /** Estimated bytes of events kept across all ranges; least recently used ranges go first. */
  maxBytes: number;
  /** A range nobody asked for in this long is dropped. */
  idleMs: number;
}

export const DEFAULT_REPLAY_CACHE: ReplayCacheOptions = { maxBytes: 16 * 2 ** 20, idleMs: 2_000 };

/** Index of the first event with seq above `seq` (events ascending). */
function firstAfter(events: readonly EncodedEvent[], seq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((events[mid]?.seq ?? Infinity) <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Rough memory a cached event holds: its parsed data, the encoded bytes each reader's variant
 * adds to its `EncodedEvent`, and the frame built from them (each about the JSON's size), plus
 * object overhead. Also what a replay's pages are sized by before anything is encoded.
 */
export function estimateBytes(event: LoggedEvent): number {
  let bytes = estimates.get(event);
  if (bytes === undefined) {
    bytes = 256 + 3 * (JSON.stringify(event.data)?.length ?? 0);
    estimates.set(event, bytes);
  }
  return bytes;
}

/**
 * Estimates by event object: the cache computes one per row it reads, and every resuming
 * session's count (ReplayReader.count) walks the same shared objects, so a reconnect storm
 * serializes each event once, not once per session.
 */
const estimates = new WeakMap<LoggedEvent, number>();

/**
 * The events after one position that match one filter, as far as they have been read.
 * Invariant: `events` holds every matching event with seq in (afterSeq, through], ascending,
 * and nothing above `through`; so it answers a read from any position in [afterSeq, through].
 */
interface Range {
  readonly key: string;
  readonly filterKey: string;
  readonly afterSeq: number;
  readonly filter: ReplayFilter;
  events: EncodedEvent[];
  through: number;
  bytes: number;
  /**
   * The widest head and the most events (counted from the range's start) asked for: an
   * extension reads up to both at once.
   */
  wantThrough: number;
  wantCount: number;
  /** The log read extending this range, shared by every request waiting on it. */
  extending: Promise<void> | undefined;
  lastUsed: number;
  /** Still in `ranges` (an evicted range keeps serving the requests that hold it). */
  cached: boolean;
}

/**
 * Shared replay reads. Clients resuming from the same position with the same filter (a
 * reconnect storm: thousands of clients, a handful of positions) get their pages from one log
 * read and the same `EncodedEvent`s, whose per-role bytes are encoded once for all of them.
 *
 * A range of one filter (epoch, types, zones) read from one position answers a read from any
 * position it covers, for any head and page size (so the later pages of a replay, and the
 * count of a resume, come from the same range): a request reaching beyond what was read
 * extends the range by one read of the newer events only, and requests arriving while a read
 * is in flight wait for it rather than reading again.
 * Answers are exact: the first `limit` matching events in (afterSeq, head], the same a direct
 * `log.query` would return. Reader rights (`mayReceive`) stay each session's own check.
 *
 * Ranges are dropped when unused for `idleMs` and, least recently used first, when the cache
 * holds more than `maxBytes`; `close()` stops the sweep timer and empties it (idempotent).
 */
export class ReplayCache {
  /** By key, least recently used first. */
  private readonly ranges = new Map<string, Range>();
  /** The cached ranges of each filter. */
  private readonly byFilter = new Map<string, Set<Range>>();
  private bytes = 0;
  private sweepTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Log queries issued (for tests and metrics). */
  reads = 0;

  constructor(
    private readonly log: EventLog,
    private readonly encode: (event: LoggedEvent) => EncodedEvent,
    private readonly options: ReplayCacheOptions = DEFAULT_REPLAY_CACHE,
  ) {}

  /** Ranges and estimated bytes held now. */
  get size(): { ranges: number; bytes: number } {
    return { ranges: this.ranges.size, bytes: this.bytes };
  }

  /** The first `limit` events after `afterSeq` up to `head` that match `filter`, ascending. */
  async read(
    afterSeq: number,
    head: number,
    limit: number,
    filter: ReplayFilter,
  ): Promise<EncodedEvent[]> {
    if (limit <= 0 || head <= afterSeq) return [];
    const range = this.rangeFor(afterSeq, filter);
    range.wantThrough = Math.max(range.wantThrough, head);
    for (;;) {
      const start = firstAfter(range.events, afterSeq);
      range.wantCount = Math.max(range.wantCount, start + limit);
      const page = this.serve(range, start, head, limit);
      if (page) {
        this.touch(range);
        return page;
      }
      range.extending ??= this.extend(range);
      await range.extending;
    }
  }

  /** Stops the sweep and drops every range; reads in flight still complete. Idempotent. */
  close(): void {
    this.closed = true;
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const range of this.ranges.values()) range.cached = false;
    this.ranges.clear();
    this.byFilter.clear();
    this.bytes = 0;
  }

  /** A cached range holding `afterSeq` for this filter, else a new one starting there. */
  private rangeFor(afterSeq: number, filter: ReplayFilter): Range {
    const zones = filter.zones ? [...filter.zones].sort().join(',') : '*';
    const filterKey = `${this.log.epoch}|${filter.types.join(',')}|${zones}`;
    const siblings = this.byFilter.get(filterKey);
    if (siblings) {
      for (const r of siblings) if (r.afterSeq <= afterSeq && afterSeq <= r.through) return r;
    }
    const key = `${afterSeq}|${filterKey}`;
    const range: Range = {
      key,
      filterKey,
      afterSeq,
      filter,
      events: [],
      through: afterSeq,
      bytes: 0,
      wantThrough: afterSeq,
      wantCount: 0,
      extending: undefined,
      lastUsed: Date.now(),
      cached: !this.closed,
    };
    if (range.cached) {
      this.ranges.set(key, range);
      if (siblings) siblings.add(range);
      else this.byFilter.set(filterKey, new Set([range]));
      this.armSweep();
    }
    return range;
  }

  /**
   * The answer from `events[start]` on when the range already holds it, else undefined (it must
   * be read further).
   */
  private serve(
    range: Range,
    start: number,
    head: number,
    limit: number,
  ): EncodedEvent[] | undefined {
    const events = range.events;
    // Below `through` every matching event is known; `limit` of them answer any later head.
    if (range.through < head && events.length - start < limit) return undefined;
    let end = start;
    while (end < events.length && end - start < limit && (events[end]?.seq ?? Infinity) <= head)
      end++;
    // A copy: the range grows while a session may still be walking its page.
    return events.slice(start, end);
  }

  /** One log read of the matching events after `through`, up to the widest head and page asked. */
  private async extend(range: Range): Promise<void> {
    const target = range.wantThrough;
    const limit = range.wantCount - range.events.length;
    try {
      this.reads++;
      const rows = await this.log.query({
        afterSeq: range.through,
        beforeSeq: target + 1,
        types: range.filter.types,
        ...(range.filter.zones ? { zones: range.filter.zones } : {}),
        limit,
      });
      let added = 0;
      for (const row of rows) {
        range.events.push(this.encode(row));
        added += estimateBytes(row);
      }
      const last = rows[rows.length - 1];
      // A full page may stop short of the target: only what it reached is known.
      range.through = rows.length < limit || !last ? target : last.seq;
      range.bytes += added;
      if (range.cached) {
        this.bytes += added;
        this.touch(range);
        this.evictOverBudget();
      }
    } catch (err) {
      // A failed read caches nothing: the next request reads afresh.
      this.drop(range);
      throw err;
    } finally {
      range.extending = undefined;
    }
  }

  private touch(range: Range): void {
    range.lastUsed = Date.now();
    if (!range.cached) return;
    // Map order is the recency order: re-inserted at the end.
    this.ranges.delete(range.key);
    this.ranges.set(range.key, range);
  }

  private evictOverBudget(): void {
    for (const range of this.ranges.values()) {
      if (this.bytes <= this.options.maxBytes) return;
      this.drop(range);
    }
  }

  private drop(range: Range): void {
    if (!range.cached) return;
    range.cached = false;
    this.ranges.delete(range.key);
    const siblings = this.byFilter.get(range.filterKey);
    siblings?.delete(range);
    if (siblings?.size === 0) this.byFilter.delete(range.filterKey);
    this.bytes -= range.bytes;
  }

  private armSweep(): void {
    if (this.sweepTimer || this.closed) return;
    this.sweepTimer = setTimeout(() => this.sweep(), this.options.idleMs);
    this.sweepTimer.unref();
  }

  private sweep(): void {
    this.sweepTimer = undefined;
    const cutoff = Date.now() - this.options.idleMs;
    for (const range of [...this.ranges.values()]) {
      if (range.lastUsed <= cutoff && !range.extending) this.drop(range);
    }
    if (this.ranges.size > 0) this.armSweep();
  }
}
