/**
 * The React context shared by the provider and the hooks, and the accessor that fails loudly
 * when a hook is used outside a provider (a silent no-op would look like "no events").
 */
import { createContext, useContext } from 'react';
import type { RealtimeClientLike } from './client-like.js';
import type { RealtimeStores } from './realtime-stores.js';

export interface RealtimeContextValue {
  client: RealtimeClientLike;
  stores: RealtimeStores;
}

export const RealtimeContext = createContext<RealtimeContextValue | null>(null);
RealtimeContext.displayName = 'RealtimeContext';

export function useRealtimeContext(hook: string): RealtimeContextValue {
  const value = useContext(RealtimeContext);
  if (!value) throw new Error(`${hook} must be used inside <RealtimeProvider>`);
  return value;
}

/** The provider's client (a RealtimeClient unless a custom client-like object was passed). */
export function useRealtimeClient(): RealtimeClientLike {
  return useRealtimeContext('useRealtimeClient').client;
}
