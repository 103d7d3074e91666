import { randomUUID } from 'node:crypto';
import type { Category } from '@hdns/protocol';
import {
  DEFAULT_RETENTION,
  EventLogClosedError,
  matchesQuery,
  type EventLog,
  type EventQuery,
  type LoggedEvent,
  type NewEvent,
  type RetentionPolicy,
} from './event-log.js';

/**
 * A bounded in-process log: a ring of the newest `maxEvents`. Its epoch is new every process,
 * so clients of a restarted server are told to reload rather than resume into a different stream.
 */
export class MemoryEventLog implements EventLog {
  readonly epoch = randomUUID();
  private readonly events: LoggedEvent[] = [];
  private head = 0; // index of the oldest retained event in `events`
  private seq = 0;
  private closed = false;

  constructor(private readonly retention: RetentionPolicy = DEFAULT_RETENTION) {}

  append(event: NewEvent): Promise<LoggedEvent> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    const logged: LoggedEvent = { ...event, seq: ++this.seq };
    this.events.push(logged);
    if (this.events.length - this.head > this.retention.maxEvents) this.head++;
    // Compact now and then so the array does not grow without bound.
    if (this.head > 1024 && this.head > this.events.length / 2) {
      this.events.splice(0, this.head);
      this.head = 0;
    }
    return Promise.resolve(logged);
  }

  readAfter(seq: number, limit: number): Promise<LoggedEvent[]> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    const first = this.events[this.head]?.seq ?? this.seq + 1;
    const start = this.head + Math.max(0, seq + 1 - first);
    return Promise.resolve(this.events.slice(start, start + Math.max(0, limit)));
  }

  query(filter: EventQuery): Promise<LoggedEvent[]> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    const live = this.events.slice(this.head);
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
    for (let i = this.head; i < this.events.length; i++) {
      const e = this.events[i];
      if (e && matchesQuery(e, filter)) counts[e.category] = (counts[e.category] ?? 0) + 1;
    }
    return Promise.resolve(counts);
  }

  lastSeq(): Promise<number> {
    return this.closed ? Promise.reject(new EventLogClosedError()) : Promise.resolve(this.seq);
  }

  oldestSeq(): Promise<number> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    return Promise.resolve(this.events[this.head]?.seq ?? this.seq + 1);
  }

  prune(now = Date.now()): Promise<number> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    const cutoff = new Date(now - this.retention.maxAgeMs).toISOString();
    let removed = 0;
    while (this.head < this.events.length) {
      const e = this.events[this.head];
      const tooMany = this.events.length - this.head > this.retention.maxEvents;
      if (!e || (!tooMany && e.ts >= cutoff)) break;
      this.head++;
      removed++;
    }
    return Promise.resolve(removed);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
