import type { Stop } from './monitor-types.js';

/**
 * Runs `task` every `intervalMs` (first run after `firstDelayMs`, default one interval), never
 * overlapping: the next run is scheduled when the previous one settles, so a slow probe cannot
 * pile up. A task error goes to `onError` and the schedule continues. The returned stop clears
 * the timer and waits for a run in progress; it is idempotent.
 */
export function runPeriodically(
  task: () => Promise<void> | void,
  intervalMs: number,
  onError: (err: unknown) => void,
  firstDelayMs = intervalMs,
): Stop {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  const schedule = (delay: number): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      running = (async () => {
        try {
          await task();
        } catch (err) {
          onError(err);
        }
      })().finally(() => {
        running = null;
        schedule(intervalMs);
      });
    }, delay);
  };
  schedule(firstDelayMs);

  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    timer = null;
    await running;
  };
}
