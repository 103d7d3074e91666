/**
 * In-band token refresh. While a connection is open the client replaces its token before the
 * server would close it with TOKEN_EXPIRED:
 * - at `fraction` (default 80 %) of the remaining lifetime announced by `welcome`/`authed`
 *   (`tokenExpiresAt`), getToken() is called and the token is sent in an `auth` frame;
 * - a `token_expiring` warning brings the refresh forward to halfway through the warning window
 *   (`inMs / 2`) unless one is due sooner. Halfway rather than at once: a server whose warning
 *   window is longer than the token's lifetime would otherwise trigger a refresh loop.
 * - On failure (getToken throws, or the server answers `error`) nothing is retried until the
 *   next warning: the server closes with TOKEN_EXPIRED (reconnect class), and the reconnect
 *   calls getToken() again for the hello.
 * One refresh runs at a time; `stop()` (connection gone) cancels the timer and discards the
 * outcome of a refresh in flight.
 */
export interface TokenRefreshDeps {
  getToken(): Promise<string> | string;
  /** Sends `auth {token}`; resolves with the new `tokenExpiresAt` from `authed`. */
  authenticate(token: string): Promise<string>;
  onRefreshed?(expiresAt: string): void;
  onFailed?(error: unknown): void;
  /** Share of the remaining lifetime after which to refresh, in (0, 1). */
  fraction: number;
  now?: () => number;
}

export class TokenRefresher {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dueAt = Infinity;
  private generation = 0;
  private inFlight = false;

  constructor(private readonly deps: TokenRefreshDeps) {}

  /** A token valid until `expiresAt` (ISO time) is in use: schedules its refresh. */
  start(expiresAt: string): void {
    this.stop();
    const left = Date.parse(expiresAt) - this.now();
    if (!Number.isFinite(left)) return;
    this.scheduleIn(Math.max(0, left * this.deps.fraction));
  }

  /** The server warned that the token expires in `inMs`. */
  expiring(inMs: number): void {
    if (this.inFlight) return;
    this.scheduleIn(Math.max(0, inMs / 2));
  }

  /** The connection is gone (or the client closed). */
  stop(): void {
    this.generation++;
    this.inFlight = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.dueAt = Infinity;
  }

  private scheduleIn(ms: number): void {
    const at = this.now() + ms;
    if (at >= this.dueAt) return;
    clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dueAt = Infinity;
      void this.refresh();
    }, ms);
  }

  private async refresh(): Promise<void> {
    const generation = this.generation;
    this.inFlight = true;
    try {
      const token = await this.deps.getToken();
      if (generation !== this.generation) return;
      const expiresAt = await this.deps.authenticate(token);
      if (generation !== this.generation) return;
      this.inFlight = false;
      this.start(expiresAt);
      this.deps.onRefreshed?.(expiresAt);
    } catch (err) {
      if (generation !== this.generation) return;
      this.inFlight = false;
      this.deps.onFailed?.(err);
    }
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}
