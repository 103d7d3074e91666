import type { FastifyReply } from 'fastify';
import type { AppConfig } from '../config.js';
import { clearWsSessionCookie, setWsSessionCookie } from './ws-session-cookie.js';

export const REFRESH_COOKIE = 'hdns_refresh';
/** The cookie is only ever sent to the auth routes, never to the rest of the API. */
export const REFRESH_COOKIE_PATH = '/api/auth';

type CookieConfig = Pick<AppConfig, 'cookieSecure'>;

/**
 * Sets the refresh cookie and, beside it, the login session's `hdns_ws_session` (`wsSession`, a
 * value from WsSessionSigner): the two are always set and cleared together.
 */
export function setRefreshCookie(
  reply: FastifyReply,
  token: string,
  expiresAt: Date,
  config: CookieConfig,
  wsSession: string,
): void {
  setWsSessionCookie(reply, wsSession, expiresAt, config);
  reply.setCookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.cookieSecure,
    path: REFRESH_COOKIE_PATH,
    expires: expiresAt,
  });
}

export function clearRefreshCookie(reply: FastifyReply, config: CookieConfig): void {
  clearWsSessionCookie(reply, config);
  reply.clearCookie(REFRESH_COOKIE, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.cookieSecure,
    path: REFRESH_COOKIE_PATH,
  });
}
