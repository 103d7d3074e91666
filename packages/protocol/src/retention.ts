/**
 * How soon the server enforces the event log's retention (the resume horizon a client meets as
 * `welcome.resume.reason: 'too_old'`). Pure numbers, shared by the hub's prune schedule and the
 * generated documentation, so the documented bound is the one the server keeps.
 *
 * Each pool is pruned on a timer every `pruneIntervalMs(policy)`: a tenth of the shortest age
 * limit, within [PRUNE_INTERVAL_MIN_MS, PRUNE_INTERVAL_MAX_MS]. An event past its pool's age or
 * count limit is therefore removed at most one interval after it crossed the limit. A log also
 * prunes after every `pruneEveryAppends(policy)` appends (a tenth of the smallest count limit,
 * at most PRUNE_EVERY_MAX_APPENDS), so a burst overshoots a count limit by a tenth at most.
 */

/** Shortest prune interval (also for age limits under ten seconds). */
export const PRUNE_INTERVAL_MIN_MS = 1_000;
/** Longest prune interval (days-long retentions are still checked every minute). */
export const PRUNE_INTERVAL_MAX_MS = 60_000;
/** Appends between two count prunes at most. */
export const PRUNE_EVERY_MAX_APPENDS = 1_000;
/** The interval and the append step are this fraction (1/n) of the limit they enforce. */
export const PRUNE_FRACTION = 10;

/** Age limits (ms) and count limits of the retention pools, as the policy gives them. */
export interface RetentionBounds {
  maxAgeMs: readonly number[];
  maxEvents: readonly number[];
}

/** The prune timer's period for pools with these age limits. */
export function pruneIntervalMs(bounds: Pick<RetentionBounds, 'maxAgeMs'>): number {
  const shortest = Math.min(...bounds.maxAgeMs);
  const tenth = Number.isFinite(shortest) ? Math.floor(shortest / PRUNE_FRACTION) : Infinity;
  return Math.min(PRUNE_INTERVAL_MAX_MS, Math.max(PRUNE_INTERVAL_MIN_MS, tenth));
}

/** Appends between count prunes for pools with these count limits. */
export function pruneEveryAppends(bounds: Pick<RetentionBounds, 'maxEvents'>): number {
  const smallest = Math.min(...bounds.maxEvents);
  const tenth = Number.isFinite(smallest) ? Math.floor(smallest / PRUNE_FRACTION) : Infinity;
  return Math.min(PRUNE_EVERY_MAX_APPENDS, Math.max(1, tenth));
}
