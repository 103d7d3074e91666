/**
 * The "now" a search's relative time range is resolved at: taken when `key` (the search) changes
 * and on `refresh()`, and kept while paging, so every page of one search has the same range.
 */
import { useCallback, useState } from 'react';

export function useAnchoredNow(key: string): { now: number; refresh: () => void } {
  const [state, setState] = useState(() => ({ key, now: Date.now() }));
  let { now } = state;
  if (state.key !== key) {
    now = Date.now();
    setState({ key, now });
  }
  const refresh = useCallback(() => setState((s) => ({ ...s, now: Date.now() })), []);
  return { now, refresh };
}
