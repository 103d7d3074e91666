import { randomUUID } from 'node:crypto';
import type { Category, EventType } from '@hdns/protocol';
import {
  DEFAULT_RETENTION,
  EventLogClosedError,
  matchesQuery,
  resumeHorizon,
  retentionPool,
  retentionPools,
  type AppendResult,
  type EventLog,
  type EventQuery,
  type LoggedEvent,
  type NewEvent,
  type RetentionLimits,
  type RetentionPolicy,
} from './event-log.js';

/** One retention pool: its events in seq order from `head` on. */
interface Pool {
  limits: RetentionLimits;
  events: LoggedEvent[];
  head: number;
}

/**
 * A bounded in-process log: per retention pool, a ring of the newest `maxEvents`. Its epoch is
 * new every process, so clients of a restarted server are told to reload rather than resume into
 * a different stream.
 */
export class MemoryEventLog implements EventLog {
  readonly epoch = randomUUID();
  private readonly pools = new Map<string, Pool>();
  private readonly byId = new Map<string, LoggedEvent>();
  private readonly prunedThrough = new Map<string, number>();
  private seq = 0;
  private closed = false;

  constructor(private readonly retention: RetentionPolicy = DEFAULT_RETENTION) {
    for (const p of retentionPools(retention))
      this.pools.set(p.pool, { limits: p.limits, events: [], head: 0 });
  }

  append(event: NewEvent): Promise<LoggedEvent> {
    return this.appendIfNew(event).then((r) => r.event);
  }

  appendIfNew(event: NewEvent): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    const known = this.byId.get(event.id);
    if (known) return Promise.resolve({ event: known, added: false });
    const logged: LoggedEvent = { ...event, seq: ++this.seq };
    const pool = this.poolOf(event.event);
    pool.events.push(logged);
    this.byId.set(logged.id, logged);
    if (pool.events.length - pool.head > pool.limits.maxEvents) this.dropOldest(event.event);
    return Promise.resolve({ event: logged, added: true });
  }

  readAfter(seq: number, limit: number): Promise<LoggedEvent[]> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    return Promise.resolve(this.merged(seq).slice(0, Math.max(0, limit)));
  }

  query(filter: EventQuery): Promise<LoggedEvent[]> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    const live = filter.ids
      ? filter.ids.flatMap((id) => this.byId.get(id) ?? []).sort((a, b) => a.seq - b.seq)
      : this.merged(filter.afterSeq ?? 0);
    if (filter.order === 'desc') live.reverse();
    const out: LoggedEvent[] = [];
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    for (const e of live) {
      if (out.length >= limit) break;
      if (matchesQuery(e, filter)) out.push(e);
    }
    return Promise.resolve(out);
  }

  countByCategory(filter: EventQuery): Promise<Partial<Record<Category, number>>> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    const counts: Partial<Record<Category, number>> = {};
    for (const pool of this.pools.values()) {
      for (let i = pool.head; i < pool.events.length; i++) {
        const e = pool.events[i];
        if (e && matchesQuery(e, filter)) counts[e.category] = (counts[e.category] ?? 0) + 1;
      }
    }
    return Promise.resolve(counts);
  }

  lastSeq(): Promise<number> {
    return this.closed ? Promise.reject(new EventLogClosedError()) : Promise.resolve(this.seq);
  }

  oldestSeq(categories?: readonly Category[]): Promise<number> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    return Promise.resolve(resumeHorizon(this.prunedThrough, categories));
  }

  prune(now = Date.now()): Promise<number> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    let removed = 0;
    for (const [name, pool] of this.pools) {
      const cutoff = new Date(now - pool.limits.maxAgeMs).toISOString();
      // Age: the prefix up to the first event young enough (seq order, so a pool stays contiguous).
      let firstKept = pool.head;
      while (firstKept < pool.events.length && (pool.events[firstKept]?.ts ?? '') < cutoff)
        firstKept++;
      firstKept = Math.max(firstKept, pool.events.length - pool.limits.maxEvents);
      while (pool.head < firstKept) {
        this.dropHead(name, pool);
        removed++;
      }
    }
    return Promise.resolve(removed);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private poolOf(type: EventType): Pool {
    const pool = this.pools.get(retentionPool(type));
    if (!pool) throw new Error(`no retention pool for ${type}`);
    return pool;
  }

  private dropOldest(type: EventType): void {
    this.dropHead(retentionPool(type), this.poolOf(type));
  }

  private dropHead(name: string, pool: Pool): void {
    const e = pool.events[pool.head];
    if (!e) return;
    pool.head++;
    this.byId.delete(e.id);
    this.prunedThrough.set(name, Math.max(this.prunedThrough.get(name) ?? 0, e.seq));
    // Compact now and then so the array does not grow without bound.
    if (pool.head > 1024 && pool.head > pool.events.length / 2) {
      pool.events.splice(0, pool.head);
      pool.head = 0;
    }
  }

  /** Every retained event with seq > `afterSeq`, ascending (a merge of the pools). */
  private merged(afterSeq: number): LoggedEvent[] {
    const lists = [...this.pools.values()].map((p) => {
      let lo = p.head;
      let hi = p.events.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((p.events[mid]?.seq ?? 0) <= afterSeq) lo = mid + 1;
        else hi = mid;
      }
      return p.events.slice(lo);
    });
    if (lists.length === 1) return lists[0] ?? [];
    return lists.flat().sort((a, b) => a.seq - b.seq);
  }
}
