/**
 * `useConnectionState()`: the client's connection snapshot, `{state, reason, attempt,
 * nextRetryAt?, code?}` (see ConnectionSnapshot in @hdns/client). Re-renders at most once per
 * frame, with the latest state of that frame (intermediate states within a frame are skipped).
 */
import { useSyncExternalStore } from 'react';
import type { ConnectionSnapshot } from '@hdns/client';
import { useRealtimeContext } from './context.js';

export function useConnectionState(): ConnectionSnapshot {
  const { connection } = useRealtimeContext('useConnectionState').stores;
  return useSyncExternalStore(connection.subscribe, connection.getSnapshot, connection.getSnapshot);
}
