import type { ClusterSession } from '../session-cluster.js';

/**
 * A session's entry in the cluster's `sessions` hash: its registry facts (for supersede, in the
 * scripts) and its admin view (`info`, refreshed by heartbeats). A heartbeat compares this
 * JSON with the last one written to send only what changed.
 */
export function sessionEntryJson(nodeId: string, s: ClusterSession): string {
  return JSON.stringify({
    node: nodeId,
    userId: s.userId,
    ...(s.instanceId !== undefined ? { instanceId: s.instanceId } : {}),
    pool: s.pool,
    connectedAt: s.connectedAt,
    info: s.describe(),
  });
}

/**
 * SESSION_ADD's per-session ARGV (see the script), appended to `args`; returns each session's
 * entry JSON by id.
 */
export function pushSessionAddArgs(
  args: string[],
  nodeId: string,
  batch: readonly (readonly [ClusterSession, number])[],
): Map<string, string> {
  const sent = new Map<string, string>();
  for (const [s, limit] of batch) {
    const json = sessionEntryJson(nodeId, s);
    sent.set(s.id, json);
    args.push(s.id, s.userId, s.instanceId ?? '', s.pool, String(s.connectedAt));
    args.push(String(limit), json);
  }
  return sent;
}
