/**
 * Close codes and reasons the previous protocols used; only the legacy routes send them (v1's
 * are `CloseCode`). The hub's legacy wires map a hub close code to one of these.
 */
export const LEGACY_CLOSE = {
  REPLACED: { code: 1000, reason: 'Replaced by new connection' },
  OVERLOADED: { code: 1013, reason: 'Server overloaded' },
  AUTH_FAILED: { code: 4001, reason: 'Authentication failed' },
  POLICY: { code: 1008, reason: 'Policy violation' },
  /** The server does not offer the legacy protocols (standard 1011, internal error). */
  UNAVAILABLE: { code: 1011, reason: 'Legacy protocol unavailable' },
  /**
   * A legacy upgrade with neither a `?token=` nor a live dashboard session (the old per-type
   * backend took no token). Accepted, then closed after one legacy `error` message that says
   * what to do; 4001 because both old frontends stop reconnecting on it.
   */
  TOKEN_REQUIRED: { code: 4001, reason: 'Token required: see docs/legacy-migration.md' },
  /**
   * HDNS_LEGACY=off: the upgrade is accepted, then closed at once. 1008 because the old
   * frontend's UnifiedWebSocketService (generation 2) and websocketService (generation 1) stop
   * reconnecting on it; the old dashboard's GlobalWebSocketService reconnects on any code but
   * 1000 (every 5 s, without limit), so no code stops it. The reason names the migration guide.
   */
  DISABLED: { code: 1008, reason: 'Legacy protocol disabled: see docs/legacy-migration.md' },
} as const;
