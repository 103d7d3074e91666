import { AUDIT_ACTIONS, type AuditLog } from '../audit/audit-log.js';
import type { AccessTokens, SignedAccessToken } from '../auth/access-tokens.js';
import type { Identity } from '../auth/identity.js';
import { beginLimitedAttempt } from '../auth/limited-attempt.js';
import type { LoginLimiter } from '../auth/login-limiter.js';
import { verifyPassword } from '../auth/password.js';
import type { ClientInfo, RefreshTokenStore } from '../auth/refresh-token-store.js';
import { AppError } from '../http/app-error.js';
import type { UserService } from '../users/user-service.js';

export interface PasswordChangeInput extends ClientInfo {
  currentPassword: string;
  newPassword: string;
  ip: string;
}

/** What the route answers: a token for this session and, when it had to start a new one, its cookie. */
export interface PasswordChanged {
  access: SignedAccessToken;
  /** Set only when a new login session was started (see `PasswordChange.change`). */
  refresh: { raw: string; expiresAt: Date; familyId: string } | null;
  user: { id: string; username: string; role: Identity['role']; zones: string[] | null };
}

/**
 * A user changing their own password. The current password is checked like a login, under the
 * same limits (counted per address and per address and username, so a stolen access token
 * cannot be used to guess it), then the change goes through UserService like an admin's: the
 * token version moves on, so every access token issued so far is refused, every other login
 * session's refresh tokens are revoked and their sockets end with CREDENTIALS_REVOKED.
 *
 * The session the change is made from stays: its refresh-token family is kept (not rotated
 * here, since the refresh cookie is scoped to /api/auth and never reaches this route; rotating
 * it from here would race the dashboard's own socket, which reconnects with a refresh as soon as
 * the change commits), its sockets reconnect (PERMISSIONS_CHANGED), and the answer carries an
 * access token of the new version. An access token without a session (signed before sessions
 * were tracked) or of a session already ended gets a new login session instead, with its cookie.
 */
export class PasswordChange {
  constructor(
    private readonly users: UserService,
    private readonly refreshTokens: RefreshTokenStore,
    private readonly accessTokens: AccessTokens,
    private readonly limiter: LoginLimiter,
    private readonly audit: AuditLog,
  ) {}

  async change(identity: Identity, input: PasswordChangeInput): Promise<PasswordChanged> {
    const actor = { userId: identity.userId, username: identity.username };
    const failed = (reason: string) =>
      this.audit.record({
        action: AUDIT_ACTIONS.passwordChangeFailure,
        actor,
        target: `user:${identity.userId}`,
        ip: input.ip,
        success: false,
        details: { reason },
      });
    const ticket = await beginLimitedAttempt(this.limiter, identity.username, input.ip, failed);

    // The user and whether this request's session is still theirs and live, in one read.
    const read = await this.refreshTokens.findTokenUser(identity.userId, identity.sessionId);
    if (!read || read.user.disabled) throw new AppError('AUTH_FAILED');
    const { user } = read;
    if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
      await failed('bad_password');
      throw new AppError('CURRENT_PASSWORD_WRONG');
    }
    this.limiter.succeeded(ticket);

    const keep = read.sessionLive ? identity.sessionId : undefined;
    // The audit entry (user_update, passwordChanged) and the session_expired event come from
    // UserService, with the user as their own actor; the other sessions end in its transaction.
    const after = await this.users.update(
      user.id,
      { password: input.newPassword, version: user.version },
      { actor, ip: input.ip },
      keep !== undefined ? { keepSessionId: keep } : {},
    );
    // The update was checked against the version read above, so nothing came between: a
    // password change moves the token version on by exactly one (UserRepository.update).
    const tokenVersion = user.tokenVersion + 1;
    const refresh = keep === undefined ? await this.refreshTokens.issue(after.id, input) : null;
    const sessionUser = {
      id: after.id,
      username: after.username,
      role: after.role,
      zones: after.zones,
    };
    const access = await this.accessTokens.sign({
      ...sessionUser,
      tokenVersion,
      sessionId: keep ?? refresh?.familyId,
    });
    if (refresh === null) return { access, refresh: null, user: sessionUser };
    return {
      access,
      refresh: { raw: refresh.raw, expiresAt: refresh.expiresAt, familyId: refresh.familyId },
      user: sessionUser,
    };
  }
}
