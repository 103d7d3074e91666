/**
 * Calls `reload` after the stream was resynced (the server could not replay what we missed),
 * so pages that keep REST data fresh through events fetch it again instead of drifting.
 */
import { useEffect, useRef } from 'react';
import { useDashboardClient } from './client-context';

export function useOnResync(reload: () => void): void {
  const client = useDashboardClient();
  const ref = useRef(reload);
  ref.current = reload;
  useEffect(() => client.onSignal('resync', () => ref.current()), [client]);
}
