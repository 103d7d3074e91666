/**
 * Delay before the next attempt of a failed delivery: exponential from `baseMs` (attempt 1 waits
 * about `baseMs`), capped at `maxMs`, with "equal jitter" (half fixed, half random) so many
 * deliveries failing together against one receiver do not retry in lockstep.
 */
export function retryDelayMs(
  attempt: number,
  opts: { baseMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 40)));
  const half = exp / 2;
  return Math.round(half + half * Math.min(1, Math.max(0, random())));
}
