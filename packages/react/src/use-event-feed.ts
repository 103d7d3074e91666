/**
 * `useEventFeed({limit})`: the provider's notification feed (see EventFeedStore): recent events
 * newest first, unread counts per category, and optimistic acknowledgement.
 *
 * Contract: `events` holds at most `limit` events (default 50; the provider keeps `feedSize`).
 * `acknowledge(id)` / `acknowledgeAll()` change the counts at once, call `client.ack`, and revert
 * and reject if the server refuses. The result object is stable between frames without changes.
 */
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { Category, EventFrameUnion } from '@hdns/client';
import { useRealtimeContext } from './context.js';

export interface EventFeedOptions {
  /** Most events returned (default 50). */
  limit?: number;
}

export interface EventFeed {
  /** Newest first. */
  events: readonly EventFrameUnion[];
  unreadByCategory: Readonly<Record<Category, number>>;
  unreadTotal: number;
  isUnread(id: string): boolean;
  acknowledge(id: string): Promise<void>;
  acknowledgeAll(): Promise<void>;
}

export const DEFAULT_FEED_LIMIT = 50;

export function useEventFeed(options: EventFeedOptions = {}): EventFeed {
  const limit = Math.max(0, options.limit ?? DEFAULT_FEED_LIMIT);
  const { feed } = useRealtimeContext('useEventFeed').stores;
  const snapshot = useSyncExternalStore(
    feed.store.subscribe,
    feed.store.getSnapshot,
    feed.store.getSnapshot,
  );
  const acknowledge = useCallback((id: string) => feed.acknowledge(id), [feed]);
  const acknowledgeAll = useCallback(() => feed.acknowledgeAll(), [feed]);
  return useMemo(
    () => ({
      events: snapshot.events.length > limit ? snapshot.events.slice(0, limit) : snapshot.events,
      unreadByCategory: snapshot.unreadByCategory,
      unreadTotal: snapshot.unreadTotal,
      isUnread: (id: string) => snapshot.unreadIds.has(id),
      acknowledge,
      acknowledgeAll,
    }),
    [snapshot, limit, acknowledge, acknowledgeAll],
  );
}
