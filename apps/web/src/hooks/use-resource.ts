/**
 * Loads something over REST with explicit loading / error / data states and a `reload()`.
 * A newer load wins: answers of superseded loads are dropped (abort + generation check), so a
 * burst of live events that each ask for a reload never shows stale data last.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  /** Local edits (optimistic updates) without a round trip. */
  setData: (update: (previous: T | undefined) => T | undefined) => void;
}

export function useResource<T>(
  load: (signal: AbortSignal) => Promise<T>,
  /** Changing this string starts a new load (e.g. the zone name or a filter). */
  key: string,
): Resource<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const lastKey = useRef(key);

  useEffect(() => {
    const controller = new AbortController();
    if (lastKey.current !== key) {
      // Another resource: do not show the previous one's data while loading.
      lastKey.current = key;
      setDataState(undefined);
    }
    setLoading(true);
    loadRef.current(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setDataState(value);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [key, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const setData = useCallback(
    (update: (previous: T | undefined) => T | undefined) => setDataState(update),
    [],
  );
  return { data, error, loading, reload, setData };
}
