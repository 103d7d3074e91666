import type { StoredUser } from '../users/user.js';
import type { Identity } from './identity.js';

export type TokenUserCheck =
  | { ok: true; user: StoredUser }
  /** `revoked`: the user's token version moved on (password, role, zones or disabled changed). */
  | { ok: false; reason: TokenUserRefusal };

/** `session_ended`: the login session the token was issued to was ended (account/, logout). */
export type TokenUserRefusal = 'unknown_user' | 'disabled' | 'revoked' | 'session_ended';

/** Whether a login session (refresh-token family) is still live: RefreshTokenStore. */
export interface LoginSessions {
  familyIsLive(familyId: string): Promise<boolean>;
}

/** Why a token no longer speaks for its user, in words for logs and error messages. */
export const TOKEN_USER_REFUSALS: Readonly<Record<TokenUserRefusal, string>> = {
  unknown_user: 'the user no longer exists',
  disabled: 'the user is disabled',
  revoked: "the token was revoked: the user's password, role or zones changed since it was issued",
  session_ended: 'the session the token was issued to has ended',
};

/**
 * The stored user a verified access token still speaks for. The user must exist, be enabled
 * and have the token version the token was signed with: every authenticated REST request and
 * every WebSocket authentication (hello, in-band refresh, legacy `?token=`) goes through this,
 * so a change of rights ends older tokens at once. Reads storage every time (no cache): one
 * indexed primary-key lookup, and never stale.
 */
export async function checkTokenUser(
  claims: Pick<Identity, 'userId' | 'tokenVersion' | 'sessionId'>,
  users: { findStored(id: string): Promise<StoredUser | undefined> },
  sessions?: LoginSessions,
): Promise<TokenUserCheck> {
  const user = await users.findStored(claims.userId);
  if (!user) return { ok: false, reason: 'unknown_user' };
  if (user.disabled) return { ok: false, reason: 'disabled' };
  if (user.tokenVersion !== claims.tokenVersion) return { ok: false, reason: 'revoked' };
  // A token of an ended session (the user ended it, logged out, or its refresh token was
  // replayed) dies with it rather than living out its 15 minutes: one indexed read more.
  if (sessions && claims.sessionId !== undefined) {
    if (!(await sessions.familyIsLive(claims.sessionId)))
      return { ok: false, reason: 'session_ended' };
  }
  return { ok: true, user };
}
