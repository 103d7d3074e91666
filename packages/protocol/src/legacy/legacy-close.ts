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
} as const;
