import type { BlocklistFeedsTable } from '../storage/schema.js';

/**
 * When a feed is refreshed next. A good refresh waits the feed's interval; a failed one is
 * retried sooner, so a list server that was briefly down does not leave the last good list (or
 * nothing) served for a whole day: `base` after the first failure, doubling with each failure in
 * a row, capped at the interval. Each step is jittered over its upper half ("equal jitter"), so
 * feeds that failed together (one host down) do not retry in lockstep.
 */

/** Milliseconds to wait after the `failures`-th failure in a row (1 or more). */
export function retryDelayMs(
  failures: number,
  intervalMs: number,
  baseMs: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(intervalMs, baseMs * 2 ** Math.min(Math.max(failures, 1) - 1, 40));
  return Math.round(step / 2 + (random() * step) / 2);
}

/**
 * The time the scheduler refreshes `row` next (epoch ms), or null when it never does (disabled).
 * A feed never fetched is due at once. A failed feed's retry time never lies beyond its interval,
 * even if the interval was shortened since.
 */
export function nextRefreshMs(row: BlocklistFeedsTable): number | null {
  if (row.enabled !== 1) return null;
  if (row.last_fetch_at === null) return Date.parse(row.created_at);
  const byInterval = Date.parse(row.last_fetch_at) + row.refresh_minutes * 60_000;
  const retry = row.next_attempt_at === null ? null : Date.parse(row.next_attempt_at);
  return retry === null || Number.isNaN(retry) ? byInterval : Math.min(retry, byInterval);
}

export function nextRefreshAt(row: BlocklistFeedsTable): string | null {
  const ms = nextRefreshMs(row);
  return ms === null ? null : new Date(ms).toISOString();
}
