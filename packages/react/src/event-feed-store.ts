/**
 * The notification feed behind `useEventFeed`: the most recent events (newest first), which of
 * them are unread, and unread counts per category, with optimistic acknowledgement.
 *
 * Contract:
 * - `push` records an event that passes the filter (default: every priority except `low`, i.e.
 *   notifications, not the query-log firehose or periodic snapshots). An id seen before is
 *   ignored. Each pushed event starts unread.
 * - At most `size` events are kept. An unread event that falls out still counts as unread (its
 *   category count stays) until `acknowledgeAll`; it can no longer be acknowledged by id.
 * - `acknowledge(id)` and `acknowledgeAll()` update the counts at once (the next frame shows
 *   them), then call `client.ack`. If the server refuses, the change is reverted and the
 *   returned promise rejects with the client's error.
 * - The snapshot is published through a FrameStore: at most once per frame.
 */
import { CATEGORIES, type Category, type EventFrameUnion } from '@hdns/protocol';
import type { RealtimeClientLike } from './client-like.js';
import type { FrameScheduler } from './frame-scheduler.js';
import { FrameStore } from './frame-store.js';

export type EventFilter = (event: EventFrameUnion) => boolean;

export interface EventFeedSnapshot {
  /** Newest first; at most the feed size. */
  readonly events: readonly EventFrameUnion[];
  /** Ids of kept events not acknowledged yet. */
  readonly unreadIds: ReadonlySet<string>;
  /** Unread events per category, including ones no longer kept. */
  readonly unreadByCategory: Readonly<Record<Category, number>>;
  readonly unreadTotal: number;
}

export const DEFAULT_FEED_SIZE = 200;
export const notificationsOnly: EventFilter = (event) => event.priority !== 'low';

export class EventFeedStore {
  readonly store: FrameStore<EventFeedSnapshot>;
  /** Oldest first; trimmed lazily to `size` once it doubles, so pushes stay O(1). */
  private items: EventFrameUnion[] = [];
  private readonly seen = new Set<string>();
  /** Unread kept events: id → category. */
  private readonly unread = new Map<string, Category>();
  private readonly counts = zeroCounts();

  constructor(
    private readonly client: RealtimeClientLike,
    private readonly size = DEFAULT_FEED_SIZE,
    private readonly filter: EventFilter = notificationsOnly,
    scheduler?: FrameScheduler,
  ) {
    this.store = new FrameStore(() => this.compute(), scheduler);
  }

  push(event: EventFrameUnion): void {
    if (!this.filter(event) || this.seen.has(event.id)) return;
    this.items.push(event);
    this.seen.add(event.id);
    this.unread.set(event.id, event.category);
    this.counts[event.category] += 1;
    if (this.items.length >= this.size * 2) this.trim();
    this.store.invalidate();
  }

  async acknowledge(id: string): Promise<void> {
    const category = this.unread.get(id);
    if (category !== undefined) {
      this.unread.delete(id);
      this.counts[category] = Math.max(0, this.counts[category] - 1);
      this.store.invalidate();
    }
    try {
      await this.client.ack({ ids: [id] });
    } catch (err) {
      if (category !== undefined && this.seen.has(id)) {
        this.unread.set(id, category);
        this.counts[category] += 1;
        this.store.invalidate();
      }
      throw err;
    }
  }

  /**
   * Acknowledges everything received so far: up to the client's position, plus by id the kept
   * unread events above it (critical events overtake the queue, so they can be above the
   * watermark without everything below them having arrived).
   */
  async acknowledgeAll(): Promise<void> {
    const cleared = new Map(this.unread);
    const clearedCounts = { ...this.counts };
    this.unread.clear();
    for (const c of CATEGORIES) this.counts[c] = 0;
    this.store.invalidate();
    const upToSeq = this.client.position?.seq;
    const ids = [...cleared.keys()].filter((id) => {
      const seq = this.seqOf(id);
      return upToSeq === undefined || seq === undefined || seq > upToSeq;
    });
    if (upToSeq === undefined && ids.length === 0) return;
    try {
      await this.client.ack({
        ...(upToSeq !== undefined ? { upToSeq } : {}),
        ...(ids.length > 0 ? { ids } : {}),
      });
    } catch (err) {
      for (const [id, category] of cleared) if (this.seen.has(id)) this.unread.set(id, category);
      for (const c of CATEGORIES) this.counts[c] += clearedCounts[c];
      this.store.invalidate();
      throw err;
    }
  }

  private seqOf(id: string): number | undefined {
    for (let i = this.items.length - 1; i >= 0; i--) {
      const e = this.items[i];
      if (e?.id === id) return e.seq;
    }
    return undefined;
  }

  /** Drops all but the newest `size` events; their ids leave `seen` and `unread` (not counts). */
  private trim(): void {
    const dropped = this.items.slice(0, this.items.length - this.size);
    this.items = this.items.slice(-this.size);
    for (const e of dropped) {
      this.seen.delete(e.id);
      this.unread.delete(e.id);
    }
  }

  private compute(): EventFeedSnapshot {
    const events = this.items.slice(-this.size).reverse();
    const kept = new Set(events.map((e) => e.id));
    const unreadIds = new Set([...this.unread.keys()].filter((id) => kept.has(id)));
    const unreadByCategory = { ...this.counts };
    let unreadTotal = 0;
    for (const c of CATEGORIES) unreadTotal += unreadByCategory[c];
    return { events, unreadIds, unreadByCategory, unreadTotal };
  }
}

function zeroCounts(): Record<Category, number> {
  const counts = {} as Record<Category, number>;
  for (const c of CATEGORIES) counts[c] = 0;
  return counts;
}
