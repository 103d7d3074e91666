/**
 * Recent events of some types: the last `limit` from the history API, then every live one on
 * top, newest first and without duplicates (an event can arrive live while the history loads).
 */
import { useEffect, useState } from 'react';
import type { EventFrameUnion } from '@hdns/client';
import type { EventType } from '@hdns/protocol';
import { useRealtimeEvent } from '@hdns/react';
import { useApi } from '../auth/auth-context';
import type { StoredEvent } from '@hdns/protocol/rest';

/** A stored or live event; both carry the catalogue-typed `event`/`data` pair. */
export type ListedEvent = StoredEvent | EventFrameUnion;

export interface LiveList {
  events: readonly ListedEvent[];
  loading: boolean;
  error: unknown;
}

export function useLiveList(types: readonly EventType[], limit = 50): LiveList {
  const api = useApi();
  const key = types.join(',');
  const [events, setEvents] = useState<readonly ListedEvent[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    api.listEvents({ query: { type: key, limit }, signal: controller.signal }).then(
      (page) => {
        setEvents((live) => merge(live, page.events, limit));
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [api, key, limit]);

  useRealtimeEvent('*', (e: EventFrameUnion) => {
    if (!(types as readonly string[]).includes(e.event)) return;
    setEvents((current) => merge([e], current, limit));
  });

  return { events, loading, error };
}

function merge(
  newer: readonly ListedEvent[],
  older: readonly ListedEvent[],
  limit: number,
): ListedEvent[] {
  const seen = new Set<string>();
  const out: ListedEvent[] = [];
  for (const e of [...newer, ...older]) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e);
  }
  return out.sort((a, b) => b.seq - a.seq).slice(0, limit);
}
