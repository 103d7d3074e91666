import type { StoredUser } from '../users/user.js';
import type { Identity } from './identity.js';

export type TokenUserCheck =
  | { ok: true; user: StoredUser }
  /** `revoked`: the user's token version moved on (password, role, zones or disabled changed). */
  | { ok: false; reason: 'unknown_user' | 'disabled' | 'revoked' };

/** Why a token no longer speaks for its user, in words for logs and error messages. */
export const TOKEN_USER_REFUSALS: Readonly<
  Record<'unknown_user' | 'disabled' | 'revoked', string>
> = {
  unknown_user: 'the user no longer exists',
  disabled: 'the user is disabled',
  revoked: "the token was revoked: the user's password, role or zones changed since it was issued",
};

/**
 * The stored user a verified access token still speaks for. The user must exist, be enabled
 * and have the token version the token was signed with: every authenticated REST request and
 * every WebSocket authentication (hello, in-band refresh, legacy `?token=`) goes through this,
 * so a change of rights ends older tokens at once. Reads storage every time (no cache): one
 * indexed primary-key lookup, and never stale.
 */
export async function checkTokenUser(
  claims: Pick<Identity, 'userId' | 'tokenVersion'>,
  users: { findStored(id: string): Promise<StoredUser | undefined> },
): Promise<TokenUserCheck> {
  const user = await users.findStored(claims.userId);
  if (!user) return { ok: false, reason: 'unknown_user' };
  if (user.disabled) return { ok: false, reason: 'disabled' };
  if (user.tokenVersion !== claims.tokenVersion) return { ok: false, reason: 'revoked' };
  return { ok: true, user };
}
