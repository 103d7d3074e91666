/**
 * A tiny external store for `useSyncExternalStore` whose published snapshot changes at most once
 * per frame.
 *
 * The owner keeps its own mutable working state and calls `invalidate()` whenever it changed.
 * The first invalidate in a frame schedules one flush; further ones are free. The flush calls
 * `compute()` once to build the new immutable snapshot, publishes it and notifies listeners.
 *
 * Why publish only at flush time (and not let `getSnapshot` read live state): React re-checks
 * `getSnapshot` during render and commit; a snapshot that moved between notifications would make
 * React render again outside our frame boundary ("tearing" check). Publishing once per frame
 * keeps the snapshot stable in between, so a burst of 1,000 events costs one render.
 *
 * `compute()` must return a new object when (and only when) something changed; returning the
 * same object (Object.is) skips the notification.
 */
import { nextFrame, type FrameScheduler } from './frame-scheduler.js';

export class FrameStore<S> {
  private snapshot: S;
  private readonly listeners = new Set<() => void>();
  private cancelFlush: (() => void) | undefined;

  constructor(
    private readonly compute: () => S,
    private readonly schedule: FrameScheduler = nextFrame,
  ) {
    this.snapshot = compute();
  }

  /** For useSyncExternalStore; bound so it can be passed directly. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** The published snapshot; the same object until the next flush that changed something. */
  readonly getSnapshot = (): S => this.snapshot;

  /** The working state changed: publish on the next frame (once, however often this is called). */
  invalidate(): void {
    if (this.cancelFlush) return;
    this.cancelFlush = this.schedule(() => {
      this.cancelFlush = undefined;
      this.flush();
    });
  }

  /** Publishes now (cancelling a scheduled flush). Used on attach and in tests. */
  flush(): void {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    const next = this.compute();
    if (Object.is(next, this.snapshot)) return;
    this.snapshot = next;
    for (const listener of [...this.listeners]) listener();
  }

  /** Cancels a scheduled flush; the store can still be used (invalidate schedules again). */
  dispose(): void {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
  }
}
