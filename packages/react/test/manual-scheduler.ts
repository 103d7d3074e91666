/** A FrameScheduler driven by hand: `frame()` runs everything scheduled so far, once. */
import type { FrameScheduler } from '../src/frame-scheduler.js';

export interface ManualScheduler {
  schedule: FrameScheduler;
  frame(): void;
  pending(): number;
}

export function manualScheduler(): ManualScheduler {
  let queue: (() => void)[] = [];
  return {
    schedule: (callback) => {
      queue.push(callback);
      return () => {
        queue = queue.filter((c) => c !== callback);
      };
    },
    frame() {
      const run = queue;
      queue = [];
      for (const callback of run) callback();
    },
    pending: () => queue.length,
  };
}
