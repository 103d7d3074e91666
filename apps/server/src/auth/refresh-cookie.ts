import type { FastifyReply } from 'fastify';
import type { AppConfig } from '../config.js';

export const REFRESH_COOKIE = 'hdns_refresh';
/** The cookie is only ever sent to the auth routes, never to the rest of the API. */
export const REFRESH_COOKIE_PATH = '/api/auth';

type CookieConfig = Pick<AppConfig, 'cookieSecure'>;

export function setRefreshCookie(
  reply: FastifyReply,
  token: string,
  expiresAt: Date,
  config: CookieConfig,
): void {
  reply.setCookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.cookieSecure,
    path: REFRESH_COOKIE_PATH,
    expires: expiresAt,
  });
}

export function clearRefreshCookie(reply: FastifyReply, config: CookieConfig): void {
  reply.clearCookie(REFRESH_COOKIE, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.cookieSecure,
    path: REFRESH_COOKIE_PATH,
  });
}
