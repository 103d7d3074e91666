import { AuthError, type Identity, type TokenVerifier } from '@hdns/hub';
import { isAppError } from '../http/app-error.js';
import type { Identity as TokenIdentity } from '../auth/identity.js';
import type { UserService } from '../users/user-service.js';
import { checkTokenUser, TOKEN_USER_REFUSALS } from '../auth/token-user.js';

/**
 * The hub's token check, used for `hello`, in-band `auth` refreshes and legacy `?token=`: the
 * JWT must verify, and the user must still exist, be enabled and have the token's version (a
 * password, role, zones or disabled change voids older tokens). Role and zone grants come from
 * the database, not the token. Live sessions are closed by the audit bridge on such a change.
 */
export function hubTokenVerifier(
  verifyAccessToken: (token: string) => Promise<TokenIdentity>,
  users: UserService,
): TokenVerifier {
  return async (token: string): Promise<Identity> => {
    let claims: TokenIdentity;
    try {
      claims = await verifyAccessToken(token);
    } catch (err) {
      if (isAppError(err) && err.code === 'TOKEN_EXPIRED') {
        throw new AuthError('TOKEN_EXPIRED', 'token expired');
      }
      throw new AuthError('AUTH_FAILED', 'invalid token');
    }
    const check = await checkTokenUser(claims, users);
    if (!check.ok) throw new AuthError('AUTH_FAILED', TOKEN_USER_REFUSALS[check.reason]);
    const user = check.user;
    return {
      userId: user.id,
      username: user.username,
      role: user.role,
      zones: user.role === 'admin' ? null : user.zones,
      expiresAt: claims.expiresAt,
    };
  };
}
