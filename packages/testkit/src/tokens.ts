/**
 * Test tokens: `user:<id>:<role>:<zones|*>:<expiresAtMs>`. The verifier is the only fake in the
 * hub tests and the bench (no JWT cost in the figures); sockets, servers and the hub are real.
 * JWT verification itself is tested in apps/server.
 */
export function token(
  id: string,
  role: string,
  zones: string[] | null = null,
  ttlMs = 3_600_000,
): string {
  return `user:${id}:${role}:${zones ? zones.join(',') : '*'}:${Date.now() + ttlMs}`;
}
