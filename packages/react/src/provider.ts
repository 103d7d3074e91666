/**
 * `<RealtimeProvider>`: puts one real-time client and its stores into context.
 *
 * Contract:
 * - `client`: use this client. The provider calls `connect()` on mount when the client is still
 *   idle (pass `connect={false}` to leave that to you) and never disconnects it: its owner does.
 * - `options`: the provider creates a RealtimeClient from them once (later changes are ignored;
 *   remount with a `key` to start over), connects on mount and disconnects on unmount. StrictMode's
 *   mount → unmount → mount runs connect, disconnect, connect, which the client supports.
 * - The stores listen while mounted, so events that arrive while no component renders them are
 *   still counted (feed, latest values).
 */
import { createElement, useEffect, useState, type ReactNode } from 'react';
import { RealtimeClient, type RealtimeClientOptions } from '@hdns/client';
import type { RealtimeClientLike } from './client-like.js';
import { RealtimeContext, type RealtimeContextValue } from './context.js';
import { RealtimeStores, type RealtimeStoreOptions } from './realtime-stores.js';

interface CommonProps extends RealtimeStoreOptions {
  children?: ReactNode;
}

export type RealtimeProviderProps = CommonProps &
  (
    | { client: RealtimeClientLike; options?: never; connect?: boolean }
    | { options: RealtimeClientOptions; client?: never; connect?: never }
  );

export function RealtimeProvider(props: RealtimeProviderProps): ReactNode {
  const { children, feedSize, feedFilter, scheduler } = props;
  const [owned] = useState(() => (props.client ? undefined : new RealtimeClient(props.options)));
  const client = props.client ?? owned;
  if (!client)
    throw new Error('RealtimeProvider: pass `client` or `options` (not one, then the other)');
  const [value, setValue] = useState<RealtimeContextValue>(() => ({
    client,
    stores: new RealtimeStores(client, { feedSize, feedFilter, scheduler }),
  }));
  // A different client object means different stores (rendered again with the new ones).
  let current = value;
  if (value.client !== client) {
    current = { client, stores: new RealtimeStores(client, { feedSize, feedFilter, scheduler }) };
    setValue(current);
  }
  const autoConnect = props.client ? props.connect !== false : true;

  useEffect(() => {
    const detach = current.stores.attach();
    const isOwned = current.client === owned;
    if (isOwned || (autoConnect && current.client.state.state === 'idle')) current.client.connect();
    return () => {
      detach();
      if (isOwned) current.client.disconnect();
    };
  }, [current, owned, autoConnect]);

  return createElement(RealtimeContext.Provider, { value: current }, children);
}
