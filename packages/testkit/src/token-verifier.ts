import { isRole } from '@hdns/protocol';
import { AuthError, type Identity } from '@hdns/hub';

/**
 * The hub's `verifyToken` for tokens made by `token()` (tokens.ts); apart from it so that a
 * process that only makes tokens (a bench load client) does not load the hub.
 */
export function verifyTestToken(raw: string): Promise<Identity> {
  const [kind, id, role, zones, exp] = raw.split(':');
  if (kind !== 'user' || !id || !isRole(role) || zones === undefined || !exp) {
    return Promise.reject(new AuthError('AUTH_FAILED', 'bad token'));
  }
  const expiresAt = new Date(Number(exp));
  if (expiresAt.getTime() <= Date.now())
    return Promise.reject(new AuthError('TOKEN_EXPIRED', 'expired'));
  return Promise.resolve({
    userId: id,
    username: `name-${id}`,
    role,
    zones: zones === '*' ? null : zones.split(',').filter(Boolean),
    expiresAt,
  });
}
