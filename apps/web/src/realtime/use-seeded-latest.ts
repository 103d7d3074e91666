/**
 * The newest value of a latest-value stream (bind_status, health_update …): live from
 * useLatest, or until the first live one arrives, the newest from the event history, so a
 * freshly opened dashboard is not empty for a whole sampling interval.
 */
import { useEffect, useState } from 'react';
import type { EventDataOf, EventType } from '@hdns/protocol';
import { useLatest } from '@hdns/react';
import { useApi } from '../auth/auth-context';

export interface Latest<T extends EventType> {
  data: EventDataOf<T> | undefined;
  ts: string | undefined;
  /** True until the history answered (or failed) and nothing live came yet. */
  loading: boolean;
}

export function useSeededLatest<T extends EventType>(type: T): Latest<T> {
  const api = useApi();
  const live = useLatest(type);
  const [seed, setSeed] = useState<{ data: EventDataOf<T>; ts: string } | undefined>(undefined);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    const controller = new AbortController();
    api
      .listEvents({ query: { type, limit: 1 }, signal: controller.signal })
      .then((page) => {
        const e = page.events[0];
        if (e && e.event === type) setSeed({ data: e.data as EventDataOf<T>, ts: e.ts });
      })
      .catch(() => undefined)
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [api, type]);

  if (live) return { data: live.data, ts: live.ts, loading: false };
  return { data: seed?.data, ts: seed?.ts, loading: loading && !seed };
}
