import { describeConnection } from './connection-info.js';
import type { KeptCredential } from './revocation-marks.js';
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
    ...(s.identity?.credentialId !== undefined ? { credentialId: s.identity.credentialId } : {}),
    describe: () => describeConnection(s),
  };
}

/**
 * The hub's side of a `SessionCluster`: what other instances may ask of this one. `closeUser`
 * and `closeCredential` are the hub's local disconnects (close and revoke, without telling the
 * cluster again).
 */
export function clusterMemberOf(
  sessions: SessionDirectory,
  closeUser: (userId: string, code: number, reason: string, keep?: KeptCredential) => void,
  closeCredential: (credentialId: string, code: number, reason: string) => void,
  stats: () => NodeStats,
): ClusterMember {
  return {
    closeSession: (id, code, reason) => sessions.get(id)?.close(code, reason),
    revokeUser: closeUser,
    closeCredential: (credentialId, code, reason, before) => {
      if (before === undefined) {
        closeCredential(credentialId, code, reason);
        return;
      }
      // Late: sessions connected since may use the credential rightly again (the login session
      // of a password change reconnects with it), so only the older ones close, and nothing is
      // refused (any verification that preceded the revocation has registered long since).
      for (const s of sessions.everyone()) {
        if (s.identity?.credentialId === credentialId && s.connectedAt < before) {
          s.close(code, reason);
        }
      }
    },
    sessions: function* () {
      for (const s of sessions.registered()) yield clusterSessionOf(s);
    },
    stats,
  };
}
