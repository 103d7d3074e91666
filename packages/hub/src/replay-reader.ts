import { eventSpec, type EventType } from '@hdns/protocol';
import { mayReceive } from './authorizer.js';
import type { EncodedEvent } from './encoded-event.js';
import type { EventLog, LoggedEvent } from './event-log/event-log.js';
import {
  estimateBytes,
  ReplayCache,
  type ReplayCacheOptions,
  type ReplayFilter,
} from './replay-cache.js';
import { ReplayPageSizer } from './replay-page-sizer.js';
import type { Session } from './session.js';

export interface LogPosition {
  epoch: string;
  seq: number;
  oldest: number;
}

/**
 * Reads the event log for sessions that resume: the log's head and resume horizon, and the
 * events after a client's position that the session subscribes to (and, for a zone-scoped
 * reader, that concern its zones).
 *
 * Resumes share their reads: pages come from a `ReplayCache` (one log read for every session
 * resuming from the same position with the same filter), the count a `welcome` reports is
 * taken from those pages or from one count query, and `position()` calls made in the same
 * turn of the event loop share one read of the head.
 */
export class ReplayReader {
  private readonly cache: ReplayCache;
  /** position() in flight or answered this turn, by category set. */
  private readonly positions = new Map<
    string,
    { dispatched: number; answer: Promise<LogPosition> }
  >();
  private forgetPositions: NodeJS.Immediate | undefined;
  /** Count queries in flight, by range and filter. */
  private readonly counts = new Map<string, Promise<number>>();

  constructor(
    private readonly log: EventLog,
    encode: (event: LoggedEvent) => EncodedEvent,
    /**
     * Newest seq dispatched to sessions. Buses deliver in seq order, so it changes whenever an
     * event reaches them.
     */
    private readonly dispatched: () => number,
    cacheOptions?: ReplayCacheOptions,
  ) {
    this.cache = new ReplayCache(log, encode, cacheOptions);
  }

  /** Log queries the shared page reads issued. */
  get pageReads(): number {
    return this.cache.reads;
  }

  /**
   * The log's head and resume horizon; with `types`, the horizon for readers of those types only
   * (query events have their own, shorter retention and must not cut short a zone reader's resume).
   *
   * Shared within one turn of the event loop, and only while no event was dispatched since the
   * shared read began: a caller that starts buffering live events and then asks for the head
   * must get a head at least as new as every event it did not buffer (no gap). An event
   * dispatched before the caller buffered was appended before that dispatch, hence before the
   * shared read, so its seq is at most the head.
   */
  position(types?: readonly EventType[]): Promise<LogPosition> {
    const categories = types ? [...new Set(types.map((t) => eventSpec(t).category))].sort() : [];
    const key = types ? categories.join(',') : '*';
    const dispatched = this.dispatched();
    const shared = this.positions.get(key);
    if (shared && shared.dispatched === dispatched) return shared.answer;
    const answer = Promise.all([
      this.log.lastSeq(),
      this.log.oldestSeq(types ? categories : undefined),
    ]).then(([seq, oldest]) => ({ epoch: this.log.epoch, seq, oldest }));
    this.positions.set(key, { dispatched, answer });
    this.forgetPositions ??= setImmediate(() => {
      this.forgetPositions = undefined;
      this.positions.clear();
    });
    return answer;
  }

  /** Events after `afterSeq` up to `head` that the session subscribes to, encoded, ascending. */
  read(session: Session, afterSeq: number, head: number, limit: number): Promise<EncodedEvent[]> {
    return this.cache.read(afterSeq, head, limit, this.filter(session));
  }

  /**
   * How many of those events the session may receive. A replay over at most a page of seqs is
   * counted from that page, which the replay then reads from the cache; a longer one by one
   * count query for an admin (every logged event the filter matches passes an admin's
   * `mayReceive`), else page by page through the cache.
   */
  async count(session: Session, afterSeq: number, head: number): Promise<number> {
    const identity = session.identity;
    if (!identity || head <= afterSeq) return 0;
    const filter = this.filter(session);
    const limit = session.options.replayPageSize;
    // Seqs are dense, so a range of more than `limit` seqs may hold more than a page.
    if (head - afterSeq > limit && identity.role === 'admin')
      return this.countQuery(afterSeq, head, filter);
    // Pages sized like the replay's own (`ReplayPageSizer`): its first read is this first one,
    // from the cache, and a backlog of large events is never read whole.
    const pages = new ReplayPageSizer(limit, session.options.replayPageBytes);
    let cursor = afterSeq;
    let count = 0;
    for (;;) {
      const want = pages.limit;
      const page = await this.cache.read(cursor, head, want, filter);
      let bytes = 0;
      for (const e of page) {
        if (mayReceive(identity, e.event)) count++;
        bytes += estimateBytes(e.event);
      }
      pages.observe(page.length, bytes);
      const last = page[page.length - 1];
      if (!last || page.length < want) return count;
      cursor = last.seq;
    }
  }

  /** Stops the cache's timers and drops what it holds. Idempotent. */
  close(): void {
    this.cache.close();
    if (this.forgetPositions) clearImmediate(this.forgetPositions);
    this.forgetPositions = undefined;
    this.positions.clear();
  }

  private countQuery(afterSeq: number, head: number, filter: ReplayFilter): Promise<number> {
    const key = `${this.log.epoch}|${afterSeq}|${head}|${filter.types.join(',')}|${filter.zones?.join(',') ?? '*'}`;
    let answer = this.counts.get(key);
    if (!answer) {
      answer = this.log
        .countByCategory({
          afterSeq,
          beforeSeq: head + 1,
          types: filter.types,
          ...(filter.zones ? { zones: filter.zones } : {}),
        })
        .then((byCategory) => Object.values(byCategory).reduce((n, k) => n + (k ?? 0), 0))
        .finally(() => this.counts.delete(key));
      this.counts.set(key, answer);
    }
    return answer;
  }

  private filter(session: Session): ReplayFilter {
    const identity = session.identity;
    const zones =
      identity && identity.role !== 'admin' && identity.zones ? identity.zones : undefined;
    return { types: session.subscriptions, ...(zones ? { zones } : {}) };
  }
}
