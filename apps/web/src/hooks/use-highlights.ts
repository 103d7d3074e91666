/**
 * Short-lived highlights of items changed by live events ("updated by alice"), keyed by id.
 * Each one fades after `ttlMs`, so a busy list does not stay lit.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Highlight {
  kind: 'created' | 'updated' | 'deleted';
  actor: string;
  mine: boolean;
}

export function useHighlights(ttlMs = 8_000): {
  highlights: ReadonlyMap<string, Highlight>;
  mark: (id: string, highlight: Highlight) => void;
} {
  const [highlights, setHighlights] = useState<ReadonlyMap<string, Highlight>>(new Map());
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  const mark = useCallback(
    (id: string, highlight: Highlight) => {
      setHighlights((m) => new Map(m).set(id, highlight));
      clearTimeout(timers.current.get(id));
      timers.current.set(
        id,
        setTimeout(() => {
          timers.current.delete(id);
          setHighlights((m) => {
            const next = new Map(m);
            next.delete(id);
            return next;
          });
        }, ttlMs),
      );
    },
    [ttlMs],
  );

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const t of pending.values()) clearTimeout(t);
    };
  }, []);

  return { highlights, mark };
}
