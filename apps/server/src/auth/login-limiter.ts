import { normalizeIP } from '@fastify/rate-limit';
import type { LoginLimits } from '../config.js';
import { AppError } from '../http/app-error.js';
import { SlidingWindowCounter } from './sliding-window-counter.js';

/** First delay of the per-username slow-down; it doubles with every further failure. */
export const SLOWDOWN_BASE_MS = 250;

/** What `reserve` hands back for an allowed attempt; give it to `succeeded` on success. */
export interface LoginTicket {
  readonly address: string;
  readonly pair: string;
  readonly user: string;
}

export type LoginReservation =
  | { allowed: true; ticket: LoginTicket; delayMs: number }
  | { allowed: false; retryAfterSeconds: number };

export interface LoginLimiterOptions extends LoginLimits {
  now?: () => number;
  sweepIntervalMs?: number;
}

/**
 * Brute-force protection for logins, safe under concurrency: an attempt is counted when it
 * starts (`reserve`, synchronous, before any await), so 300 parallel guesses cannot all pass
 * the check before the first failure is recorded. A success takes its attempt back and clears
 * the (address, username) and username counts.
 *
 * - Per client address and per (address, username): hard limits over a sliding window; past
 *   them the attempt is refused (429 TOO_MANY_ATTEMPTS with Retry-After) without hashing.
 * - Per username, from any address: never a lock, since a stranger could then lock the admin
 *   out. Past `slowdownAfter` attempts in the window each further attempt waits
 *   SLOWDOWN_BASE_MS · 2^k, capped at `slowdownMaxSeconds`, so the right password from a clean
 *   address always gets in after at most the cap, while guessing gets slower.
 *
 * Usernames are compared normalised (NFKC, lower case) whether or not the user exists, so the
 * limiter reveals nothing. IPv6 addresses count per /64 (what one host is usually given) and
 * IPv4-mapped ones as IPv4. In memory: a restart forgets, acceptable for a single instance.
 */
export class LoginLimiter {
  private readonly byAddress: SlidingWindowCounter;
  private readonly byPair: SlidingWindowCounter;
  private readonly byUser: SlidingWindowCounter;
  private readonly slowdownAfter: number;
  private readonly slowdownMaxMs: number;
  private readonly waits = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  constructor(opts: LoginLimiterOptions) {
    const common = {
      windowMs: opts.windowSeconds * 1000,
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.sweepIntervalMs !== undefined ? { sweepIntervalMs: opts.sweepIntervalMs } : {}),
    };
    this.slowdownAfter = opts.slowdownAfter;
    this.slowdownMaxMs = opts.slowdownMaxSeconds * 1000;
    this.byAddress = new SlidingWindowCounter({ ...common, limit: opts.maxFailuresPerIp });
    this.byPair = new SlidingWindowCounter({ ...common, limit: opts.maxFailuresPerIpUser });
    // The username counter only feeds the delay: it needs to count up to where the cap is hit.
    const doublings = Math.ceil(Math.log2(Math.max(1, this.slowdownMaxMs / SLOWDOWN_BASE_MS)));
    this.byUser = new SlidingWindowCounter({
      ...common,
      limit: opts.slowdownAfter + doublings + 1,
    });
  }

  static userKey(username: string): string {
    return username.normalize('NFKC').toLowerCase();
  }

  static addressKey(ip: string): string {
    try {
      return normalizeIP(ip);
    } catch {
      // Not an IP (a socket that went away reports none): count it under its own text.
      return ip.toLowerCase();
    }
  }

  /** The delay for an attempt after `failures` earlier ones for the same username. */
  delayAfter(failures: number): number {
    if (this.slowdownMaxMs === 0 || failures < this.slowdownAfter) return 0;
    const exponent = Math.min(failures - this.slowdownAfter, 30);
    return Math.min(this.slowdownMaxMs, SLOWDOWN_BASE_MS * 2 ** exponent);
  }

  /**
   * Checks the hard limits and, when allowed, counts the attempt at once under all three keys.
   * Synchronous on purpose: no other attempt can slip in between the check and the count.
   */
  reserve(username: string, ip: string): LoginReservation {
    const address = LoginLimiter.addressKey(ip);
    const user = LoginLimiter.userKey(username);
    const pair = JSON.stringify([address, user]);
    const byAddress = this.byAddress.state(address);
    const byPair = this.byPair.state(pair);
    if (byAddress.blocked || byPair.blocked) {
      const ms = Math.max(byAddress.retryAfterMs, byPair.retryAfterMs);
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) };
    }
    const delayMs = this.delayAfter(this.byUser.state(user).count);
    this.byAddress.hit(address);
    this.byPair.hit(pair);
    this.byUser.hit(user);
    return { allowed: true, ticket: { address, pair, user }, delayMs };
  }

  /** The attempt succeeded: it does not count, and the username's slow-down ends. */
  succeeded(ticket: LoginTicket): void {
    this.byAddress.release(ticket.address);
    this.byPair.reset(ticket.pair);
    this.byUser.reset(ticket.user);
  }

  /**
   * Waits out a slow-down. Rejects with NOT_READY when the limiter closes meanwhile (the server
   * is shutting down), so no login runs on against closed storage.
   */
  wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    if (this.closed) return Promise.reject(new AppError('NOT_READY'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waits.delete(timer);
        resolve();
      }, ms);
      this.waits.set(timer, () => reject(new AppError('NOT_READY')));
    });
  }

  /** Stops the sweep timers and ends pending waits. Idempotent. */
  close(): void {
    this.closed = true;
    for (const [timer, cancel] of this.waits) {
      clearTimeout(timer);
      cancel();
    }
    this.waits.clear();
    this.byAddress.close();
    this.byPair.close();
    this.byUser.close();
  }
}
