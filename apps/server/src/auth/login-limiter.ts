import type { LoginLimits } from '../config.js';
import { SlidingWindowCounter } from './sliding-window-counter.js';

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface LoginLimiterOptions extends LoginLimits {
  now?: () => number;
  sweepIntervalMs?: number;
}

/**
 * Brute-force protection for logins: failures are counted per username (normalised, whether or
 * not the user exists, so the limiter reveals nothing) and per client IP over a sliding window.
 * Either counter reaching its limit blocks further attempts until the window slides; a success
 * resets both. In memory: a restart forgets, which is acceptable for a single instance.
 */
export class LoginLimiter {
  private readonly byUser: SlidingWindowCounter;
  private readonly byIp: SlidingWindowCounter;

  constructor(opts: LoginLimiterOptions) {
    const common = {
      windowMs: opts.windowSeconds * 1000,
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.sweepIntervalMs !== undefined ? { sweepIntervalMs: opts.sweepIntervalMs } : {}),
    };
    this.byUser = new SlidingWindowCounter({ ...common, limit: opts.maxFailuresPerUser });
    this.byIp = new SlidingWindowCounter({ ...common, limit: opts.maxFailuresPerIp });
  }

  private static userKey(username: string): string {
    return username.normalize('NFKC').toLowerCase();
  }

  check(username: string, ip: string): LimitDecision {
    const user = this.byUser.state(LoginLimiter.userKey(username));
    const addr = this.byIp.state(ip);
    if (!user.blocked && !addr.blocked) return { allowed: true };
    const ms = Math.max(user.retryAfterMs, addr.retryAfterMs);
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) };
  }

  recordFailure(username: string, ip: string): void {
    this.byUser.hit(LoginLimiter.userKey(username));
    this.byIp.hit(ip);
  }

  recordSuccess(username: string, ip: string): void {
    this.byUser.reset(LoginLimiter.userKey(username));
    this.byIp.reset(ip);
  }

  /** Stops the sweep timers. Idempotent. */
  close(): void {
    this.byUser.close();
    this.byIp.close();
  }
}
