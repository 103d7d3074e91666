/// <reference lib="dom" />
/**
 * "Run this once, on the next frame." The seam that turns bursts of events into at most one
 * React render per animation frame.
 *
 * Contract: `scheduler(callback)` runs `callback` once, later (never synchronously), and returns
 * a function that cancels it if it has not run yet. The default uses `requestAnimationFrame`
 * where it exists (browsers, jsdom with pretendToBeVisual) and falls back to `setTimeout(16)`
 * (Node, workers without rAF). The global is looked up on every call, so fake timers installed
 * after this module loaded are honoured.
 *
 * Note: browsers pause rAF in hidden tabs. Stores keep collecting while paused (bounded, see
 * each store) and publish once when the tab is visible again, which is what we want: no renders
 * nobody can see.
 */
export type FrameScheduler = (callback: () => void) => () => void;

/** Fallback frame length where requestAnimationFrame is missing (~60 Hz). */
export const FALLBACK_FRAME_MS = 16;

export const nextFrame: FrameScheduler = (callback) => {
  const g = globalThis as Partial<Pick<typeof globalThis, 'requestAnimationFrame'>> &
    Partial<Pick<typeof globalThis, 'cancelAnimationFrame'>>;
  if (typeof g.requestAnimationFrame === 'function') {
    const id = g.requestAnimationFrame(() => callback());
    return () => g.cancelAnimationFrame?.(id);
  }
  const timer = setTimeout(callback, FALLBACK_FRAME_MS);
  return () => clearTimeout(timer);
};
