/**
 * `useRealtimeEvent(key, handler)`: calls `handler` for every event of a type (typed payload), a
 * category, or `'*'`, while the component is mounted.
 *
 * Contract: the handler is kept in a ref and may change on every render without re-registering;
 * the client registration is made once per `key` (and client). The handler runs synchronously
 * for each event, outside React rendering: setting state from it is fine, and React batches
 * those updates, but for bursts prefer useEventFeed/useLatest, which render once per frame.
 * An event dispatched after unmount is never delivered.
 */
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { EventFrameUnion, HandlerFor, RouteKey } from '@hdns/client';
import { useRealtimeContext } from './context.js';

export function useRealtimeEvent<K extends RouteKey>(
  key: K,
  handler: NoInfer<HandlerFor<K>>,
): void {
  const { client } = useRealtimeContext('useRealtimeEvent');
  const ref = useRef(handler);
  useLayoutEffect(() => {
    ref.current = handler;
  });
  useEffect(() => {
    const forward = (event: EventFrameUnion): void => {
      (ref.current as (event: EventFrameUnion) => void)(event);
    };
    return client.on(key, forward as NoInfer<HandlerFor<K>>);
  }, [client, key]);
}
