/**
 * Which connections count against each other: `v1`, people's protocol-v1 clients (a browser's
 * tabs share one, the CLI logged in with a password); `legacy`, the older protocols' sockets;
 * `token`, protocol-v1 sockets opened with an API token (scripts), which never supersede a
 * person's dashboard nor are superseded by it.
 */
export type ConnectionPool = 'v1' | 'legacy' | 'token';

/** What the registry needs to know about a connection. */
export interface Registrant {
  readonly id: string;
  readonly userId: string;
  /** Stable per browser or process when the client sent one. */
  readonly instanceId: string | undefined;
  readonly connectedAt: number;
  /**
   * Connections count against the per-user limit only within their pool: protocol v1 clients
   * share one; legacy clients (one socket per connection type) and API-token scripts are
   * replaced only by a newer socket of the same instance, never by a v1 tab or another type
   * (the global and per-address limits still bound them).
   */
  readonly pool: ConnectionPool;
}

/**
 * Live authenticated connections by user. Policy: at most `maxPerUser` connections per user; a
 * new connection from the same client instance, or one past the limit, supersedes the oldest.
 * The caller closes what `add` returns with the SUPERSEDED code (terminal, so the old client
 * does not reconnect and fight back).
 */
export class ConnectionRegistry<S extends Registrant> {
  private readonly byUser = new Map<string, S[]>();
  private readonly byId = new Map<string, S>();

  constructor(private readonly maxPerUser = 1) {}

  /** Registers `session` and returns the sessions it supersedes. */
  add(session: S): S[] {
    const all = this.byUser.get(session.userId) ?? [];
    const mine = all.filter((s) => s.pool === session.pool);
    const superseded: S[] = [];
    if (session.instanceId !== undefined) {
      for (const s of mine) if (s.instanceId === session.instanceId) superseded.push(s);
    }
    const remaining = mine.filter((s) => !superseded.includes(s));
    remaining.sort((a, b) => a.connectedAt - b.connectedAt);
    const limit = session.pool === 'v1' ? this.maxPerUser : Number.POSITIVE_INFINITY;
    while (remaining.length >= limit) {
      const oldest = remaining.shift();
      if (oldest) superseded.push(oldest);
    }
    for (const s of superseded) this.byId.delete(s.id);
    const kept = all.filter((s) => !superseded.includes(s));
    kept.push(session);
    this.byUser.set(session.userId, kept);
    this.byId.set(session.id, session);
    return superseded;
  }

  remove(session: S): void {
    if (this.byId.get(session.id) !== session) return;
    this.byId.delete(session.id);
    const rest = (this.byUser.get(session.userId) ?? []).filter((s) => s !== session);
    if (rest.length) this.byUser.set(session.userId, rest);
    else this.byUser.delete(session.userId);
  }

  get(id: string): S | undefined {
    return this.byId.get(id);
  }

  ofUser(userId: string): readonly S[] {
    return this.byUser.get(userId) ?? [];
  }

  all(): IterableIterator<S> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }

  get users(): number {
    return this.byUser.size;
  }
}
