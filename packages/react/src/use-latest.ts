/**
 * `useLatest(type, key?)`: the newest event of a latest-value stream (system_metrics,
 * health_update, bind_status, query_stats …), or undefined until one arrived while the provider
 * was mounted. `key` picks one coalesce key, e.g. `useLatest('query_stats', 60)` for the 60 s
 * window or `useLatest('bulk_operation_progress', jobId)`; without it, the newest of any key.
 *
 * Contract: typed by the catalogue (`e.data` is the type's payload). Re-renders at most once per
 * frame and only when this slot got a newer event. This hook only listens: make sure the client
 * is subscribed to the type (its initial subscriptions, or `useSubscription([type])`).
 */
import { useCallback, useSyncExternalStore } from 'react';
import type { EventFrame } from '@hdns/client';
import type { EventType } from '@hdns/protocol';
import { useRealtimeContext } from './context.js';
import { slotOf, type LatestKey } from './latest-store.js';

export function useLatest<T extends EventType>(
  type: T,
  key?: LatestKey,
): EventFrame<T> | undefined {
  const { latest } = useRealtimeContext('useLatest').stores;
  const slotId = slotOf(type, key);
  const read = useCallback(
    () => latest.getSlot(slotId) as EventFrame<T> | undefined,
    [latest, slotId],
  );
  return useSyncExternalStore(latest.store.subscribe, read, read);
}
