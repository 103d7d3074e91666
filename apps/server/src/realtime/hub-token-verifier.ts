import { AuthError, type Identity, type TokenVerifier } from '@hdns/hub';
import { isAppError } from '../http/app-error.js';
import type { Identity as TokenIdentity } from '../auth/identity.js';
import { checkTokenUser, TOKEN_USER_REFUSALS, type TokenUserLookup } from '../auth/token-user.js';
import { isApiTokenSecret } from '../tokens/api-token-secret.js';
import type { ApiTokenVerifier } from '../tokens/api-token-verifier.js';
import type { StoredUser } from '../users/user.js';

/**
 * An API token on /ws: the same check as on REST, narrowed to the owner's current rights. The
 * session carries the token id (`credentialId`) so revoking the token closes exactly its
 * sockets. The address is not known here: the `ws_auth` audit row carries it.
 */
async function verifyApiToken(apiTokens: ApiTokenVerifier, token: string): Promise<Identity> {
  let identity: TokenIdentity;
  try {
    identity = await apiTokens.verify(token, null, 'ws');
  } catch (err) {
    if (isAppError(err) && err.code === 'TOKEN_EXPIRED') {
      throw new AuthError('TOKEN_EXPIRED', 'token expired');
    }
    throw new AuthError('AUTH_FAILED', isAppError(err) ? err.message : 'invalid token');
  }
  return {
    userId: identity.userId,
    username: identity.username,
    role: identity.role,
    zones: identity.zones,
    expiresAt: identity.expiresAt,
    ...(identity.apiTokenId !== undefined ? { credentialId: identity.apiTokenId } : {}),
    ...(identity.readOnly ? { readOnly: true } : {}),
    apiToken: true,
  };
}

/**
 * The hub's token check, used for `hello`, in-band `auth` refreshes and legacy `?token=`: the
 * JWT must verify, and the user must still exist, be enabled and have the token's version (a
 * password, role, zones or disabled change voids older tokens). Role and zone grants come from
 * the database, not the token. Live sessions are closed by the audit bridge on such a change.
 */
export function hubTokenVerifier(
  verifyAccessToken: (token: string) => Promise<TokenIdentity>,
  tokenUsers: TokenUserLookup,
  apiTokens?: ApiTokenVerifier,
): TokenVerifier {
  return async (token: string): Promise<Identity> => {
    if (apiTokens && isApiTokenSecret(token)) return verifyApiToken(apiTokens, token);
    let claims: TokenIdentity;
    try {
      claims = await verifyAccessToken(token);
    } catch (err) {
      if (isAppError(err) && err.code === 'TOKEN_EXPIRED') {
        throw new AuthError('TOKEN_EXPIRED', 'token expired');
      }
      throw new AuthError('AUTH_FAILED', 'invalid token');
    }
    const check = await checkTokenUser(claims, tokenUsers);
    if (!check.ok) throw new AuthError('AUTH_FAILED', TOKEN_USER_REFUSALS[check.reason]);
    return hubIdentityOf(check.user, claims.expiresAt, claims.sessionId);
  };
}

/**
 * The hub identity of a stored user whose credential (access token, session cookie) runs
 * until `expiresAt`; `sessionId`, the login session, becomes the identity's `credentialId`, so
 * ending that session (account/, logout) closes exactly its sockets.
 */
export function hubIdentityOf(user: StoredUser, expiresAt: Date, sessionId?: string): Identity {
  return {
    userId: user.id,
    username: user.username,
    role: user.role,
    zones: user.role === 'admin' ? null : user.zones,
    expiresAt,
    ...(sessionId !== undefined ? { credentialId: sessionId } : {}),
  };
}
