/**
 * Re-renders the caller when a SeriesBuffer changes, at most once per animation frame (the
 * numbers next to a chart must follow it, including points loaded from history).
 */
import { useEffect, useReducer } from 'react';
import type { SeriesBuffer } from './series-buffer';

export function useSeries(...buffers: SeriesBuffer[]): void {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    let frame = 0;
    const schedule = () => {
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        rerender();
      });
    };
    const offs = buffers.map((b) => b.subscribe(schedule));
    return () => {
      for (const off of offs) off();
      cancelAnimationFrame(frame);
    };
    // The buffers live as long as the session; spreading them keeps the call site short.
  }, buffers);
}
