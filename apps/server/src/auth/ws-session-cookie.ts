import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { AppConfig } from '../config.js';

/**
 * `hdns_ws_session`: the dashboard's login session as the legacy WebSocket URLs see it.
 *
 * Why a second cookie: the refresh cookie is scoped to /api/auth (it can mint access tokens, so
 * it goes nowhere else), hence browsers never send it to `/ws/…` or `/api/websocket/…`, where
 * the previous system's dashboard opens its tokenless sockets. This cookie goes to every path
 * but carries NO power of its own: it names a login session (refresh-token family) and its user,
 * signed with the server's secret, and is worth something only while that session is live and
 * the user enabled (session-cookie-identity.ts checks both on every upgrade). It cannot refresh,
 * cannot authenticate a REST request, and dies with the session (logout, session end, reuse
 * detection), whatever the browser still holds.
 *
 * Contract: set and cleared together with the refresh cookie (refresh-cookie.ts), with the same
 * expiry, HttpOnly, SameSite=Strict and Secure per `cookieSecure`.
 */
export const WS_SESSION_COOKIE = 'hdns_ws_session';
/** `/`: it must reach both `/ws/…` and `/api/websocket/…`. */
export const WS_SESSION_COOKIE_PATH = '/';

/** What the cookie names: a login session of a user, until the refresh token's expiry. */
export interface WsSessionClaims {
  userId: string;
  /** The refresh-token family: the login session. */
  sessionId: string;
  expiresAt: Date;
}

/** Longest value accepted; real ones are about 200 characters. */
const MAX_VALUE_LENGTH = 1024;

/** Signs and reads `hdns_ws_session` values with a key of its own derived from the server's secret. */
export class WsSessionSigner {
  private readonly key: Buffer;

  constructor(serverSecret: Uint8Array) {
    // A key used for nothing else, so a value of this cookie is never a valid MAC elsewhere.
    this.key = createHmac('sha256', serverSecret).update('hdns ws-session cookie v1').digest();
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest();
  }

  /** The cookie value for a session: `base64url(JSON claims).base64url(HMAC)`. */
  sign(claims: WsSessionClaims): string {
    const payload = Buffer.from(
      JSON.stringify({
        u: claims.userId,
        s: claims.sessionId,
        e: claims.expiresAt.getTime(),
      }),
    ).toString('base64url');
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /**
   * The claims of a value this server signed, or undefined (forged, malformed, expired). Says
   * nothing about whether the session is still live: the caller checks that. Never throws.
   */
  verify(value: string, now = Date.now()): WsSessionClaims | undefined {
    if (value.length > MAX_VALUE_LENGTH) return undefined;
    const [payload, mac, ...rest] = value.split('.');
    if (!payload || !mac || rest.length) return undefined;
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { u, s, e } = parsed as Record<string, unknown>;
    if (typeof u !== 'string' || typeof s !== 'string' || typeof e !== 'number') return undefined;
    if (e <= now) return undefined;
    return { userId: u, sessionId: s, expiresAt: new Date(e) };
  }
}

type CookieConfig = Pick<AppConfig, 'cookieSecure'>;

const options = (config: CookieConfig) =>
  ({
    httpOnly: true,
    sameSite: 'strict',
    secure: config.cookieSecure,
    path: WS_SESSION_COOKIE_PATH,
  }) as const;

export function setWsSessionCookie(
  reply: FastifyReply,
  value: string,
  expiresAt: Date,
  config: CookieConfig,
): void {
  reply.setCookie(WS_SESSION_COOKIE, value, { ...options(config), expires: expiresAt });
}

export function clearWsSessionCookie(reply: FastifyReply, config: CookieConfig): void {
  reply.clearCookie(WS_SESSION_COOKIE, options(config));
}
