/**
 * Events a legacy client may only receive about its own user. The old frontends act on these
 * without looking at the payload: on `session_expired` the generation-1 websocketService
 * disconnects and sends the browser to /login, the generation-2 UnifiedWebSocketService
 * disconnects and raises `session-expired`. For an admin, whose role lets it see every user's
 * session events, delivering another user's would log the admin out whenever any user's session
 * ends (a password change, a revoked session …). v1 clients read `data.userId` and get them all.
 *
 * `user_login` and `user_logout` are only listed or counted by the old UI, so they stay as the
 * role allows.
 */
import type { EventType } from '../catalogue.js';

export const LEGACY_OWN_USER_EVENTS: readonly EventType[] = ['session_expired'];

const OWN = new Set<EventType>(LEGACY_OWN_USER_EVENTS);

/**
 * Whether a legacy session of `userId`, authenticated by `credentialId` (its login session or
 * API token, when it has one), receives an event of `type` with `data` (on top of the role, zone
 * and audience checks every session applies). An event about the own user that names one login
 * session (`sessionId`) or API token (`apiTokenId`) reaches only the sockets of that credential:
 * the user ending one of their sessions must not log out the legacy page of another. Never
 * throws.
 */
export function legacyReceives(
  type: EventType,
  data: unknown,
  userId: string,
  credentialId?: string,
): boolean {
  if (!OWN.has(type)) return true;
  if (typeof data !== 'object' || data === null) return false;
  const { userId: about, sessionId, apiTokenId } = data as Record<string, unknown>;
  if (about !== userId) return false;
  const named = sessionId ?? apiTokenId;
  return named === undefined || named === credentialId;
}
