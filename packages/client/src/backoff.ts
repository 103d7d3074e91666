/**
 * Full-jitter exponential backoff (AWS architecture blog, "Exponential Backoff And Jitter"):
 * the n-th retry waits a uniformly random time in [0, min(cap, base · 2^(n−1))). Jitter spreads
 * the reconnects of many clients after a server restart, so they do not arrive in one wave.
 */
export interface BackoffPolicy {
  /** Upper bound of the first retry's delay. */
  baseMs: number;
  /** No delay is ever longer than this. */
  capMs: number;
  /** Retries after the first connect; past it the client gives up (state closed, max_attempts). */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseMs: 500,
  capMs: 20_000,
  maxAttempts: Infinity,
};

/** The delay ceiling for retry number `attempt` (1-based), before jitter. */
export function backoffCeiling(attempt: number, policy: Pick<BackoffPolicy, 'baseMs' | 'capMs'>) {
  const exponent = Math.max(0, attempt - 1);
  // 2^exponent overflows to Infinity for large attempts; min() keeps the result finite.
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

/**
 * Delay before retry number `attempt` (1-based). `random` must return values in [0, 1) like
 * Math.random; tests inject a fixed sequence.
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<BackoffPolicy, 'baseMs' | 'capMs'>,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * backoffCeiling(attempt, policy));
}
