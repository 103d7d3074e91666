import { AuthError, type Identity, type TokenVerifier } from '@hdns/hub';
import { isAppError } from '../http/app-error.js';
import type { Identity as TokenIdentity } from '../auth/identity.js';
import type { UserService } from '../users/user-service.js';

/**
 * The hub's token check: the JWT must verify, and the user must still exist and be enabled.
 * Role and zone grants come from the database, not the token, so a demotion applies to the
 * next connection at once (live sessions are updated by the permission listener).
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
    const user = await users.findStored(claims.userId);
    if (!user || user.disabled) throw new AuthError('AUTH_FAILED', 'user unknown or disabled');
    return {
      userId: user.id,
      username: user.username,
      role: user.role,
      zones: user.role === 'admin' ? null : user.zones,
      expiresAt: claims.expiresAt,
    };
  };
}
