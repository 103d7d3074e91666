import type { IncomingMessage } from 'node:http';
import type { Identity } from '@hdns/hub';
import type { RefreshTokenStore } from '../auth/refresh-token-store.js';
import { WS_SESSION_COOKIE, type WsSessionSigner } from '../auth/ws-session-cookie.js';
import { hubIdentityOf } from './hub-token-verifier.js';

/** What the check needs of the refresh-token store: is the session live, is the user enabled. */
export type SessionLookup = Pick<RefreshTokenStore, 'findTokenUser'>;

/**
 * The identity of the dashboard's login session that a legacy upgrade without a token carries,
 * or undefined when it carries none that is live.
 *
 * The session is `hdns_ws_session` (ws-session-cookie.ts): Path `/`, HttpOnly,
 * SameSite=Strict, set and cleared with the refresh cookie at login, refresh, password change
 * and logout, so a signed-in dashboard's browser sends it to `/ws/…` and `/api/websocket/…`.
 * It is NOT the refresh cookie, which stays scoped to /api/auth: this one only names a login
 * session, signed by the server, and has no power beyond what that session has while it lives.
 *
 * Contract: the caller has checked that the request carries an Origin that passes the Origin
 * check (a browser, on our own or an allowed site): SameSite=Strict plus that check keep another
 * site from riding the session. A forged or expired value, an ended session (logout, session
 * end, reuse detection, password change elsewhere) or a disabled user is no identity. The
 * identity's credential is the login session, so ending it closes exactly its sockets. Never
 * throws for a bad cookie (storage failures reject).
 */
export async function sessionCookieIdentity(
  req: IncomingMessage,
  parseCookie: (header: string) => Record<string, string | undefined>,
  signer: WsSessionSigner,
  store: SessionLookup,
): Promise<Identity | undefined> {
  const header = req.headers.cookie;
  if (!header) return undefined;
  let raw: string | undefined;
  try {
    raw = parseCookie(header)[WS_SESSION_COOKIE];
  } catch {
    return undefined;
  }
  const claims = raw ? signer.verify(raw) : undefined;
  if (!claims) return undefined;
  const read = await store.findTokenUser(claims.userId, claims.sessionId);
  if (!read?.sessionLive || read.user.disabled) return undefined;
  return hubIdentityOf(read.user, claims.expiresAt, claims.sessionId);
}
