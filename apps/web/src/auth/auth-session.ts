/**
 * The signed-in session of this tab. The access token lives only in memory (never in storage,
 * where any injected script could read it); the HttpOnly refresh cookie (path /api/auth) gets a
 * new one on load and shortly before expiry.
 *
 * Refresh tokens rotate and the server treats a second use of a rotated token as theft (it
 * revokes the whole session). Tabs of one browser share the cookie, so refreshes are serialised
 * across tabs with a Web Lock: the second tab then presents the cookie the first one received.
 */
import { ApiError } from '../api/api-error';
import {
  routes,
  tokenResponseSchema,
  type SessionUser,
  type TokenResponse,
} from '@hdns/protocol/rest';

export type AuthState =
  | { status: 'loading' }
  | { status: 'anonymous'; message?: string }
  | { status: 'authenticated'; user: SessionUser };

/** Refresh when less than this share of the token lifetime is left. */
const REFRESH_AT = 0.8;
/** getToken() refreshes first when the token expires within this many ms. */
const MIN_VALIDITY_MS = 15_000;
const LOCK_NAME = 'hdns-auth-refresh';
const CHANNEL_NAME = 'hdns-auth';

type ChannelMessage = { type: 'login' } | { type: 'logout' };

export class AuthSession {
  private state: AuthState = { status: 'loading' };
  private readonly listeners = new Set<() => void>();
  private token: string | undefined;
  private expiresAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight: Promise<boolean> | undefined;
  private readonly channel =
    typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL_NAME) : undefined;

  constructor() {
    // Other tabs tell us when someone logged in or out, so all tabs of a browser agree.
    this.channel?.addEventListener('message', (e: MessageEvent<ChannelMessage>) => {
      if (e.data.type === 'logout') this.clear({ status: 'anonymous' });
      else if (e.data.type === 'login' && this.state.status !== 'authenticated') {
        void this.refresh();
      }
    });
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): AuthState => this.state;

  /** On page load: trade the refresh cookie (if any) for an access token. */
  async init(): Promise<void> {
    const ok = await this.refresh();
    if (!ok && this.state.status === 'loading') this.setState({ status: 'anonymous' });
  }

  async login(username: string, password: string): Promise<void> {
    const response = await fetch(routes.login.path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) throw await ApiError.fromResponse(response);
    this.accept(tokenResponse(await response.json()));
    this.channel?.postMessage({ type: 'login' } satisfies ChannelMessage);
  }

  /**
   * Signs out here and in every tab first, then ends the session on the server (the request
   * needs only the refresh cookie): the server closes the session's sockets, and no page should
   * still be mounted to show that close as an error.
   */
  async logout(): Promise<void> {
    this.clear({ status: 'anonymous' });
    this.channel?.postMessage({ type: 'logout' } satisfies ChannelMessage);
    await fetch(routes.logout.path, { method: 'POST', credentials: 'same-origin' });
  }

  /**
   * A token valid for at least a little while; refreshes first when needed, or when `fresh`
   * (the server voided the current token, e.g. the user's role or zones changed).
   */
  async getToken(request?: { fresh?: boolean }): Promise<string> {
    if (request?.fresh || !this.token || this.expiresAt - Date.now() < MIN_VALIDITY_MS) {
      await this.refresh();
    }
    if (!this.token) throw new ApiError(401, 'UNAUTHORIZED', 'Not signed in');
    return this.token;
  }

  /**
   * Takes a token the server handed out outside login and refresh (a password change answers
   * with one of the new token version, which voids the one held so far).
   */
  adopt(body: TokenResponse): void {
    this.accept(body);
  }

  /** The API said our token is no good (e.g. the user was disabled): try once more, else out. */
  async recover(): Promise<boolean> {
    return this.refresh();
  }

  /** One refresh at a time per tab, and one at a time per browser (Web Lock). */
  refresh(): Promise<boolean> {
    this.inflight ??= this.withLock(() => this.refreshNow()).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async refreshNow(): Promise<boolean> {
    try {
      const response = await fetch(routes.refresh.path, {
        method: 'POST',
        credentials: 'same-origin',
      });
      if (!response.ok) {
        const err = await ApiError.fromResponse(response);
        const message =
          err.code === 'REFRESH_REUSED'
            ? 'Your session was ended for safety. Please sign in again.'
            : this.state.status === 'authenticated'
              ? 'Your session has ended. Please sign in again.'
              : undefined;
        this.clear({ status: 'anonymous', ...(message ? { message } : {}) });
        return false;
      }
      this.accept(tokenResponse(await response.json()));
      return true;
    } catch {
      // Network trouble: keep the current state; the next attempt may succeed.
      if (this.state.status === 'loading') this.setState({ status: 'anonymous' });
      return false;
    }
  }

  private async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (!locks) return fn();
    return locks.request(LOCK_NAME, fn) as Promise<T>;
  }

  private accept(body: TokenResponse): void {
    this.token = body.accessToken;
    this.expiresAt = Date.now() + body.expiresIn * 1000;
    clearTimeout(this.timer);
    const delay = Math.max(5_000, body.expiresIn * 1000 * REFRESH_AT);
    this.timer = setTimeout(() => void this.refresh(), delay);
    const previous = this.state.status === 'authenticated' ? this.state.user : undefined;
    // Keep the same user object when nothing changed, so the realtime client is not rebuilt.
    const user =
      previous && JSON.stringify(previous) === JSON.stringify(body.user) ? previous : body.user;
    if (user !== previous) this.setState({ status: 'authenticated', user });
  }

  private clear(next: AuthState): void {
    clearTimeout(this.timer);
    this.token = undefined;
    this.expiresAt = 0;
    this.setState(next);
  }

  private setState(next: AuthState): void {
    this.state = next;
    for (const l of this.listeners) l();
  }
}

/** A login or refresh answer; development builds check it against the contract. */
function tokenResponse(body: unknown): TokenResponse {
  return import.meta.env.DEV ? tokenResponseSchema.parse(body) : (body as TokenResponse);
}
