/**
 * `useSubscription(items)`: makes sure the server sends `items` (event types, categories, '*')
 * while the component is mounted. Reference-counted per client across components: the last
 * holder's unmount unsubscribes what nobody else needs (see SubscriptionRegistry).
 *
 * Contract: `items` may be a new array on every render; only a change of its contents (as a set)
 * releases the old items and acquires the new ones.
 */
import { useEffect } from 'react';
import { useRealtimeContext } from './context.js';
import { subscriptionRegistryFor } from './subscription-registry.js';

const SEPARATOR = '\u0000';

export function useSubscription(items: readonly string[]): void {
  const { client } = useRealtimeContext('useSubscription');
  const key = [...new Set(items)].sort().join(SEPARATOR);
  useEffect(() => {
    if (key === '') return undefined;
    return subscriptionRegistryFor(client).acquire(key.split(SEPARATOR));
  }, [client, key]);
}
