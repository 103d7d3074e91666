import { addressKey } from '@hdns/hub';
import type { LoginLimits } from '../config.js';
import { AppError } from '../http/app-error.js';
import { SlidingWindowCounter } from './sliding-window-counter.js';
import { SlowdownSchedule } from './slowdown-schedule.js';

/** First spacing of the per-username slow-down; it doubles with every further attempt. */
export const SLOWDOWN_BASE_MS = 250;

/** What `reserve` hands back for an allowed attempt; give it to `succeeded` on success. */
export interface LoginTicket {
  readonly address: string;
  readonly pair: string;
  readonly user: string;
}

export type LoginReservation =
  | { allowed: true; ticket: LoginTicket; delayMs: number }
  | {
      allowed: false;
      retryAfterSeconds: number;
      /** `limit`: a per-address or per-(address, username) limit; `slowdown`: the queue is full. */
      reason: 'limit' | 'slowdown';
    };

export interface LoginLimiterOptions extends LoginLimits {
  now?: () => number;
  sweepIntervalMs?: number;
}

/**
 * Brute-force protection for logins, safe under concurrency: an attempt is counted when it
 * starts (`reserve`, synchronous, before any await), so 300 parallel guesses cannot all pass
 * the check before the first failure is recorded. A success takes its attempt back and clears
 * the (address, username) and username counts and the username's schedule.
 *
 * - Per client address and per (address, username): hard limits over a sliding window; past
 *   them the attempt is refused (429 TOO_MANY_ATTEMPTS with Retry-After) without hashing.
 * - Per username, from any address: never a lock, since a stranger could then lock the admin
 *   out, but a schedule (SlowdownSchedule). Past `slowdownAfter` attempts in the window, each
 *   attempt takes the username's next slot, max(now, next), and pushes `next` on by
 *   SLOWDOWN_BASE_MS · 2^k (k = attempts past the threshold), capped at `slowdownMaxSeconds`.
 *   Parallel guesses from many addresses are therefore checked one after another, spaced out;
 *   at the cap the password of one username is checked at most once per `slowdownMaxSeconds`.
 *   An attempt whose slot is more than `slowdownMaxSeconds` away is refused at once (429
 *   TOO_MANY_ATTEMPTS, Retry-After = until it would fit) without being counted, so a flood
 *   holds at most about log2(max / 0.25 s) + 2 attempts per username waiting (6 at the default
 *   10 s), not one per request.
 *
 * What the right password from a clean address can expect (the documented bound):
 * - An accepted attempt is answered within `slowdownMaxSeconds` plus one password hash.
 * - A refused one carries Retry-After ≤ `slowdownMaxSeconds`; a client that waits that long and
 *   retries finds a slot unless someone else took it first, so with no competing guesses the
 *   worst case is 2 × `slowdownMaxSeconds` + 1 s plus one hash (21 s at the defaults).
 * - An attacker who claims every slot the moment it frees, for a whole window, needs one
 *   attempt per slot: windowSeconds / slowdownMaxSeconds attempts per window, and each address
 *   gives at most `maxFailuresPerIpUser`, so at least windowSeconds / (slowdownMaxSeconds ·
 *   maxFailuresPerIpUser) addresses (IPv4 addresses or IPv6 /64s; 18 at the defaults). Below
 *   that, free slots remain in every window and a retrying admin gets in within the window.
 *   Against more addresses there is no hard bound for an anonymous client: the admin keeps
 *   an existing session (refresh tokens are not subject to login limits) or blocks the
 *   addresses upstream; in return the password is checked at most once per cap, whatever the
 *   number of addresses.
 *
 * Usernames are compared normalised (NFKC, lower case) whether or not the user exists, so the
 * limiter reveals nothing. Addresses count under `addressKey` (IPv6 per /64, IPv4-mapped as
 * IPv4), the key REST rate limiting and /ws admission use. In memory: a restart forgets,
 * acceptable for a single instance.
 */
export class LoginLimiter {
  private readonly byAddress: SlidingWindowCounter;
  private readonly byPair: SlidingWindowCounter;
  private readonly byUser: SlidingWindowCounter;
  private readonly schedule: SlowdownSchedule;
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
    this.schedule = new SlowdownSchedule({
      maxWaitMs: this.slowdownMaxMs,
      ...(opts.now ? { now: opts.now } : {}),
    });
    // The username counter only feeds the spacing: it needs to count up to where the cap is hit.
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
    return addressKey(ip);
  }

  /**
   * How far an attempt made after `attempts` earlier ones for the same username pushes the
   * username's next slot: 0 below the threshold, then doubling up to the cap.
   */
  spacingAfter(attempts: number): number {
    if (this.slowdownMaxMs === 0 || attempts < this.slowdownAfter) return 0;
    const exponent = Math.min(attempts - this.slowdownAfter, 30);
    return Math.min(this.slowdownMaxMs, SLOWDOWN_BASE_MS * 2 ** exponent);
  }

  /**
   * Checks the hard limits and the username's schedule and, when allowed, counts the attempt at
   * once under all three keys; `delayMs` is how long it must wait for its slot. Synchronous on
   * purpose: no other attempt can slip in between the check and the count.
   */
  reserve(username: string, ip: string): LoginReservation {
    const address = LoginLimiter.addressKey(ip);
    const user = LoginLimiter.userKey(username);
    const pair = JSON.stringify([address, user]);
    const byAddress = this.byAddress.state(address);
    const byPair = this.byPair.state(pair);
    if (byAddress.blocked || byPair.blocked) {
      const ms = Math.max(byAddress.retryAfterMs, byPair.retryAfterMs);
      return { allowed: false, retryAfterSeconds: seconds(ms), reason: 'limit' };
    }
    const spacing = this.spacingAfter(this.byUser.state(user).count);
    let delayMs = 0;
    if (spacing > 0) {
      const slot = this.schedule.take(user, spacing);
      if (!slot.ok) {
        return {
          allowed: false,
          retryAfterSeconds: seconds(slot.retryAfterMs),
          reason: 'slowdown',
        };
      }
      delayMs = slot.waitMs;
    }
    this.byAddress.hit(address);
    this.byPair.hit(pair);
    this.byUser.hit(user);
    return { allowed: true, ticket: { address, pair, user }, delayMs };
  }

  /**
   * The attempt succeeded: it does not count, and the username's slow-down ends (attempts
   * already holding a slot keep it; new ones start from an empty schedule).
   */
  succeeded(ticket: LoginTicket): void {
    this.byAddress.release(ticket.address);
    this.byPair.reset(ticket.pair);
    this.byUser.reset(ticket.user);
    this.schedule.clear(ticket.user);
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
    this.schedule.close();
  }
}

/** Whole seconds for Retry-After, at least 1. */
function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
