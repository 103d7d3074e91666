import type { StoredUser } from '../users/user.js';
import type { Identity } from './identity.js';

export type TokenUserCheck =
  | { ok: true; user: StoredUser }
  /** `revoked`: the user's token version moved on (password, role, zones or disabled changed). */
  | { ok: false; reason: TokenUserRefusal };

/** `session_ended`: the login session the token was issued to was ended (account/, logout). */
export type TokenUserRefusal = 'unknown_user' | 'disabled' | 'revoked' | 'session_ended';

/** A stored user and whether the login session a token names is still theirs and live. */
export interface TokenUserRead {
  user: StoredUser;
  /** True when the token names no session. */
  sessionLive: boolean;
}

/** Reads both in one query: RefreshTokenStore.findTokenUser. */
export interface TokenUserLookup {
  findTokenUser(userId: string, sessionId: string | undefined): Promise<TokenUserRead | undefined>;
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
 * so a change of rights ends older tokens at once. A token of an ended session (the user ended
 * it, logged out, or its refresh token was replayed) dies with it rather than living out its 15
 * minutes. Reads storage every time (no cache), in one query: the user by primary key, with an
 * indexed EXISTS for the session.
 */
export async function checkTokenUser(
  claims: Pick<Identity, 'userId' | 'tokenVersion' | 'sessionId'>,
  lookup: TokenUserLookup,
): Promise<TokenUserCheck> {
  const read = await lookup.findTokenUser(claims.userId, claims.sessionId);
  if (!read) return { ok: false, reason: 'unknown_user' };
  const { user } = read;
  if (user.disabled) return { ok: false, reason: 'disabled' };
  if (user.tokenVersion !== claims.tokenVersion) return { ok: false, reason: 'revoked' };
  if (!read.sessionLive) return { ok: false, reason: 'session_ended' };
  return { ok: true, user };
}
