import { describeConnection } from './connection-info.js';
import type { ClusterMember, ClusterSession, NodeStats } from './session-cluster.js';
import type { Session } from './session.js';
import type { SessionDirectory } from './session-directory.js';

/** A registered session as the cluster sees it: its registry facts and its admin view. */
export function clusterSessionOf(s: Session): ClusterSession {
  return {
    id: s.id,
    userId: s.userId,
    instanceId: s.instanceId,
    pool: s.pool,
    connectedAt: s.connectedAt,
    describe: () => describeConnection(s),
  };
}

/**
 * The hub's side of a `SessionCluster`: what other instances may ask of this one. `closeUser`
 * is the hub's local disconnect (close and revoke, without telling the cluster again).
 */
export function clusterMemberOf(
  sessions: SessionDirectory,
  closeUser: (userId: string, code: number, reason: string) => void,
  stats: () => NodeStats,
): ClusterMember {
  return {
    closeSession: (id, code, reason) => sessions.get(id)?.close(code, reason),
    revokeUser: closeUser,
    sessions: function* () {
      for (const s of sessions.registered()) yield clusterSessionOf(s);
    },
    stats,
  };
}
