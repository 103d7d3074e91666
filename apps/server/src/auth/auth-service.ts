import { randomBytes } from 'node:crypto';
import { AUDIT_ACTIONS, type AuditLog } from '../audit/audit-log.js';
import { AppError } from '../http/app-error.js';
import type { StoredUser } from '../users/user.js';
import type { UserService } from '../users/user-service.js';
import type { AccessTokens, SignedAccessToken } from './access-tokens.js';
import { beginLimitedAttempt } from './limited-attempt.js';
import type { LoginLimiter } from './login-limiter.js';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, verifyPassword } from './password.js';
import type { ClientInfo, RefreshTokenStore } from './refresh-token-store.js';

export interface SessionUser {
  id: string;
  username: string;
  role: StoredUser['role'];
  zones: string[] | null;
}

/** What login and refresh hand out. `refreshToken` goes into the cookie only. */
export interface Session {
  access: SignedAccessToken;
  /** The login session (refresh-token family). */
  sessionId: string;
  refreshToken: string;
  refreshExpiresAt: Date;
  user: SessionUser;
}

export interface LoginInput extends ClientInfo {
  username: string;
  password: string;
  ip: string;
}

function sessionUser(user: StoredUser): SessionUser {
  return { id: user.id, username: user.username, role: user.role, zones: user.zones };
}

/** Login, refresh-token rotation with reuse detection, and logout. */
export class AuthService {
  /** Hash checked when the user does not exist, so both failures cost the same time. */
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly users: UserService,
    private readonly refreshTokens: RefreshTokenStore,
    private readonly accessTokens: AccessTokens,
    private readonly limiter: LoginLimiter,
    private readonly audit: AuditLog,
  ) {
    this.dummyHash = hashPassword(randomBytes(16).toString('hex'), DEFAULT_SCRYPT_PARAMS);
    // Awaited on the first unknown-user login; keep an early failure from being "unhandled".
    this.dummyHash.catch(() => undefined);
  }

  private async startSession(user: StoredUser, client: ClientInfo): Promise<Session> {
    const refresh = await this.refreshTokens.issue(user.id, client);
    const access = await this.accessTokens.sign({
      ...sessionUser(user),
      tokenVersion: user.tokenVersion,
      sessionId: refresh.familyId,
    });
    return {
      access,
      sessionId: refresh.familyId,
      refreshToken: refresh.raw,
      refreshExpiresAt: refresh.expiresAt,
      user: sessionUser(user),
    };
  }

  /**
   * Checks a password under the login limits (limited-attempt.ts): a username under attack never
   * locks: its password checks are spaced out on one schedule, an attempt waits for its slot (at
   * most HDNS_LOGIN_SLOWDOWN_MAX) before the hash, and one that would wait longer is refused
   * with 429 and Retry-After.
   */
  async login(input: LoginInput): Promise<Session> {
    const attempt = { username: input.username.slice(0, 128) };
    const ticket = await beginLimitedAttempt(this.limiter, input.username, input.ip, (reason) =>
      this.audit.record({
        action: AUDIT_ACTIONS.loginFailure,
        actor: { userId: null, username: attempt.username },
        ip: input.ip,
        success: false,
        details: { reason },
      }),
    );
    const user = await this.users.findStoredByUsername(input.username);
    // Same work and same answer whether the user is unknown, disabled or the password wrong.
    const passwordOk = await verifyPassword(
      input.password,
      user?.passwordHash ?? (await this.dummyHash),
    );
    if (!user || !passwordOk || user.disabled) {
      await this.audit.record({
        action: AUDIT_ACTIONS.loginFailure,
        actor: { userId: user?.id ?? null, username: attempt.username },
        ip: input.ip,
        success: false,
        details: { reason: !user ? 'unknown_user' : !passwordOk ? 'bad_password' : 'disabled' },
      });
      throw new AppError('INVALID_CREDENTIALS');
    }

    this.limiter.succeeded(ticket);
    await this.refreshTokens.pruneExpired();
    const session = await this.startSession(user, input);
    await this.audit.record({
      action: AUDIT_ACTIONS.loginSuccess,
      actor: { userId: user.id, username: user.username },
      target: `user:${user.id}`,
      ip: input.ip,
    });
    return session;
  }

  /** Rotates the refresh token. Reuse of a rotated token revokes the whole family. */
  async refresh(raw: string | undefined, client: ClientInfo): Promise<Session> {
    if (!raw) throw new AppError('REFRESH_INVALID');
    const current = await this.refreshTokens.find(raw);
    if (!current) throw new AppError('REFRESH_INVALID');
    if (current.revoked_at !== null)
      return this.reuseDetected(current.family_id, current.user_id, client);
    if (this.refreshTokens.isExpired(current)) throw new AppError('REFRESH_INVALID');

    const user = await this.users.findStored(current.user_id);
    if (!user || user.disabled) {
      await this.refreshTokens.revokeFamily(current.family_id);
      throw new AppError('REFRESH_INVALID');
    }
    const next = await this.refreshTokens.rotate(current, client);
    if (!next) return this.reuseDetected(current.family_id, current.user_id, client);
    const access = await this.accessTokens.sign({
      ...sessionUser(user),
      tokenVersion: user.tokenVersion,
      sessionId: next.familyId,
    });
    return {
      access,
      sessionId: next.familyId,
      refreshToken: next.raw,
      refreshExpiresAt: next.expiresAt,
      user: sessionUser(user),
    };
  }

  private async reuseDetected(
    familyId: string,
    userId: string,
    client: ClientInfo,
  ): Promise<never> {
    const revoked = await this.refreshTokens.revokeFamily(familyId);
    const user = await this.users.findStored(userId);
    await this.audit.record({
      action: AUDIT_ACTIONS.refreshReuse,
      actor: { userId, username: user?.username ?? null },
      target: `user:${userId}`,
      ip: client.ip,
      success: false,
      details: { familyId, revokedTokens: revoked },
    });
    throw new AppError('REFRESH_REUSED');
  }

  /**
   * Ends the session the refresh token belongs to, then has `closeSockets` close its sockets
   * (given the session id: the family id, which its access tokens and sockets carry) before
   * anything else can fail. Unknown or missing tokens are a no-op.
   */
  async logout(
    raw: string | undefined,
    client: ClientInfo,
    closeSockets: (sessionId: string) => void,
  ): Promise<void> {
    if (!raw) return;
    const current = await this.refreshTokens.find(raw);
    if (!current) return;
    await this.refreshTokens.revokeFamily(current.family_id);
    closeSockets(current.family_id);
    const user = await this.users.findStored(current.user_id);
    await this.audit.record({
      action: AUDIT_ACTIONS.logout,
      actor: { userId: current.user_id, username: user?.username ?? null },
      target: `user:${current.user_id}`,
      ip: client.ip,
    });
  }
}
