import { AppError } from '../http/app-error.js';
import type { LoginLimiter, LoginTicket } from './login-limiter.js';

/** Why an attempt was refused, as the audit row says it. */
export type AttemptRefusal = 'locked' | 'slowed_down';

/**
 * Starts a password check under the login limits, shared by a login and a password change: the
 * attempt is reserved before anything is awaited (so concurrent guesses count as they start),
 * then either waits for its slot (at most HDNS_LOGIN_SLOWDOWN_MAX) and gives its ticket, or is
 * refused: `refused` records why (each caller its own audit action), then TOO_MANY_ATTEMPTS with
 * Retry-After is thrown. Hand the ticket to `limiter.succeeded` once the password proved right.
 */
export async function beginLimitedAttempt(
  limiter: LoginLimiter,
  username: string,
  ip: string,
  refused: (reason: AttemptRefusal) => Promise<void>,
): Promise<LoginTicket> {
  const decision = limiter.reserve(username, ip);
  if (!decision.allowed) {
    await refused(decision.reason === 'limit' ? 'locked' : 'slowed_down');
    throw new AppError(
      'TOO_MANY_ATTEMPTS',
      { retryAfterSeconds: decision.retryAfterSeconds },
      { headers: { 'retry-after': String(decision.retryAfterSeconds) } },
    );
  }
  await limiter.wait(decision.delayMs);
  return decision.ticket;
}
