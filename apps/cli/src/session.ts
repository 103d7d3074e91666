/**
 * Logging in and keeping an access token fresh.
 *
 * Contract:
 * - `login` posts the password to /api/auth/login and returns credentials (not yet saved).
 *   401 INVALID_CREDENTIALS → "login failed: invalid username or password"; 429 → the server's
 *   retry hint; a server that does not answer like ours → a message with the HTTP status.
 * - `Session.getToken()` returns the stored access token while it has more than a quarter of its
 *   lifetime (at least 30 s) left, else exchanges the refresh cookie at /api/auth/refresh, saves
 *   the rotated cookie and the new token, and returns it. Concurrent calls share one refresh (the
 *   server revokes the session when a rotated cookie is presented twice). The quarter matches
 *   the realtime client's in-band refresh at 80 % of the lifetime: it then gets a new token.
 * - A refused refresh (expired, revoked, reused) is a fatal SessionExpiredError: only a new
 *   `hdns login` helps. Network failures are ordinary CliErrors (the caller may retry).
 */
import { CliError } from './cli-error.js';
import { saveCredentials, type Credentials } from './credentials.js';
import type { TokenResponse } from '@hdns/protocol/rest';
import { apiError, describeFailure, type HttpResult } from './http-client.js';
import { callRoute } from './rest-call.js';

export const REFRESH_COOKIE = 'hdns_refresh';
const MIN_MARGIN_MS = 30_000;
const MARGIN_SHARE = 0.25;

export class SessionExpiredError extends CliError {
  constructor(url: string) {
    super(`your session at ${url} has expired or was revoked: run \`hdns login\` again`);
  }
}

export async function login(url: string, username: string, password: string): Promise<Credentials> {
  const { result, body } = await callRoute(url, 'login', {}, { body: { username, password } });
  if (body) return credentialsFrom(url, result, body, null);
  const err = apiError(result);
  if (err?.code === 'INVALID_CREDENTIALS') {
    throw new CliError('login failed: invalid username or password');
  }
  if (err?.code === 'TOO_MANY_ATTEMPTS') {
    const retry = result.headers.get('retry-after');
    throw new CliError(`login failed: too many attempts${retry ? `; retry in ${retry} s` : ''}`);
  }
  if (err) throw new CliError(`login failed: ${err.message} (${err.code})`);
  throw new CliError(
    `login failed: ${url} did not answer like a Hybrid DNS Server (${describeFailure(result)})`,
  );
}

/** An API token has no refresh: the stored expiry stands for "until revoked or expired". */
const API_TOKEN_EXPIRY = '9999-12-31T23:59:59.999Z';

/**
 * `hdns login --token`: checks the API token against GET /api/auth/me and returns credentials
 * holding it as the access token, with no refresh cookie, so a refused token is a
 * SessionExpiredError (log in again) rather than a refresh attempt.
 */
export async function loginWithToken(url: string, token: string): Promise<Credentials> {
  const { result, body } = await callRoute(url, 'me', { token });
  if (body) {
    return {
      version: 1,
      url,
      username: body.username,
      role: body.role,
      accessToken: token,
      issuedAt: new Date().toISOString(),
      expiresAt: API_TOKEN_EXPIRY,
      refreshCookie: null,
      refreshExpiresAt: null,
    };
  }
  const err = apiError(result);
  if (err?.code === 'AUTH_FAILED' || err?.code === 'TOKEN_EXPIRED') {
    throw new CliError(`login failed: ${err.message}`);
  }
  if (err) throw new CliError(`login failed: ${err.message} (${err.code})`);
  throw new CliError(
    `login failed: ${url} did not answer like a Hybrid DNS Server (${describeFailure(result)})`,
  );
}

export class Session {
  private refreshing: Promise<string> | undefined;

  constructor(
    private credentials: Credentials,
    private readonly file?: string,
    private readonly now: () => number = Date.now,
  ) {}

  get url(): string {
    return this.credentials.url;
  }

  get username(): string {
    return this.credentials.username;
  }

  async getToken(): Promise<string> {
    if (!this.nearExpiry()) return this.credentials.accessToken;
    return this.refresh();
  }

  /**
   * Stores a token the server handed out outside login and refresh (`hdns passwd`: a password
   * change voids the held token and answers with one of the new version, and with a new refresh
   * cookie only when it had to start a new session).
   */
  async adopt(result: HttpResult, body: TokenResponse): Promise<void> {
    const previous = this.credentials;
    const next = credentialsFrom(this.url, result, body, previous.refreshCookie, this.now());
    // Without a new cookie the session was kept, and with it the old cookie's expiry.
    this.credentials = refreshCookieFrom(result.headers)
      ? next
      : { ...next, refreshExpiresAt: previous.refreshExpiresAt };
    await saveCredentials(this.credentials, this.file);
  }

  /** Refreshes now (e.g. after the server refused the token); one refresh at a time. */
  refresh(): Promise<string> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private nearExpiry(): boolean {
    const issued = Date.parse(this.credentials.issuedAt);
    const expires = Date.parse(this.credentials.expiresAt);
    const lifetime = Number.isFinite(issued) ? expires - issued : 0;
    const margin = Math.max(MIN_MARGIN_MS, lifetime * MARGIN_SHARE);
    return !(expires - this.now() > margin);
  }

  private async doRefresh(): Promise<string> {
    const { url, refreshCookie } = this.credentials;
    if (!refreshCookie) throw new SessionExpiredError(url);
    const { result, body } = await callRoute(url, 'refresh', { cookie: refreshCookie });
    if (result.status === 401) throw new SessionExpiredError(url);
    if (!body) throw new CliError(`token refresh failed: ${describeFailure(result)}`);
    this.credentials = credentialsFrom(url, result, body, refreshCookie, this.now());
    await saveCredentials(this.credentials, this.file);
    return this.credentials.accessToken;
  }
}

function credentialsFrom(
  url: string,
  result: HttpResult,
  body: TokenResponse,
  previousCookie: string | null,
  now = Date.now(),
): Credentials {
  const cookie = refreshCookieFrom(result.headers);
  return {
    version: 1,
    url,
    username: body.user.username,
    role: body.user.role,
    accessToken: body.accessToken,
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + body.expiresIn * 1000).toISOString(),
    refreshCookie: cookie?.pair ?? previousCookie,
    refreshExpiresAt: cookie?.expiresAt ?? null,
  };
}

/** The refresh cookie's `name=value` and expiry from Set-Cookie headers, if one was set. */
export function refreshCookieFrom(
  headers: Headers,
): { pair: string; expiresAt: string | null } | undefined {
  for (const line of headers.getSetCookie()) {
    const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
    if (!pair.startsWith(`${REFRESH_COOKIE}=`) || pair.length === REFRESH_COOKIE.length + 1) {
      continue;
    }
    let expiresAt: string | null = null;
    for (const attr of attributes) {
      const [name = '', value = ''] = attr.split('=');
      if (name.toLowerCase() === 'expires' && Number.isFinite(Date.parse(value))) {
        expiresAt = new Date(value).toISOString();
      }
    }
    return { pair, expiresAt };
  }
  return undefined;
}
