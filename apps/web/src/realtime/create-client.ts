/**
 * The dashboard's real-time client. One WebSocket per browser: SharedRealtimeClient elects a
 * leader tab (Web Locks / BroadcastChannel) that holds the socket and relays events to the other
 * tabs. Where BroadcastChannel is missing we fall back to a plain RealtimeClient per tab.
 */
import {
  RealtimeClient,
  SharedRealtimeClient,
  type ClientSignals,
  type RealtimeClientOptions,
  type TokenRequest,
} from '@hdns/client';
import type { RealtimeClientLike } from '@hdns/react';
import { EVENT_CATALOGUE, CATEGORIES, roleAtLeast, typesInCategory } from '@hdns/protocol';
import type { SessionUser } from '@hdns/protocol/rest';

/** The client signals the shell listens to (the resume outcome and its failure). */
export type ShellSignal = 'resync' | 'welcome';

/** What the dashboard uses of either client: the hooks' surface plus reconnect and signals. */
export interface DashboardClient extends RealtimeClientLike {
  reconnect(): void;
  onSignal<K extends ShellSignal>(
    name: K,
    handler: (payload: ClientSignals[K]) => void,
  ): () => void;
}

export const CLIENT_NAME = 'dashboard';

/**
 * What the shell always wants: every category the role may receive, except the query-log
 * firehose (the query log page subscribes to dns_query_log while it is open). query_stats is
 * the dashboard's chart feed, so it is asked for by type.
 */
export function baseSubscriptions(user: SessionUser): string[] {
  const items: string[] = [];
  for (const category of CATEGORIES) {
    if (category === 'query') continue;
    const allowed = typesInCategory(category).some((t) =>
      roleAtLeast(user.role, EVENT_CATALOGUE[t].minRole),
    );
    if (allowed) items.push(category);
  }
  items.push('query_stats');
  return items;
}

export function createDashboardClient(
  user: SessionUser,
  getToken: (request: TokenRequest) => Promise<string>,
): DashboardClient {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const options: RealtimeClientOptions = {
    url: `${scheme}://${location.host}/ws`,
    getToken,
    subscriptions: baseSubscriptions(user),
    clientName: CLIENT_NAME,
    // A restarted server is usually back within seconds: keep retries short for the UI.
    reconnect: { baseMs: 500, capMs: 10_000 },
  };
  if (typeof BroadcastChannel === 'function') {
    return new SharedRealtimeClient({ ...options, userKey: user.id });
  }
  return new RealtimeClient(options);
}
