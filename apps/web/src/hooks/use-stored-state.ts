/** useState that survives reloads in localStorage (filters that "stay set"). */
import { useCallback, useState } from 'react';

export function useStoredState<T extends object>(
  key: string,
  initial: T,
): [T, (next: T | ((previous: T) => T)) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? initial : { ...initial, ...(JSON.parse(raw) as object) };
    } catch {
      return initial;
    }
  });
  const set = useCallback(
    (next: T | ((previous: T) => T)) => {
      setValue((previous) => {
        const resolved = typeof next === 'function' ? next(previous) : next;
        try {
          localStorage.setItem(key, JSON.stringify(resolved));
        } catch {
          // Storage full or disabled: the filter still works for this page view.
        }
        return resolved;
      });
    },
    [key],
  );
  return [value, set];
}
