import type { ConnectionInfo } from './connection-info.js';
import type { ConnectionPool } from './connection-registry.js';
import type { KeptCredential } from './revocation-marks.js';

/** One instance's own real-time figures (`Hub.localStats()`). */
export interface NodeStats {
  connections: number;
  users: number;
  pendingAuth: number;
  queueDepth: number;
  bufferedBytes: number;
  position: number;
}

/** A registered session as the cluster keeps it. */
export interface ClusterSession {
  readonly id: string;
  readonly userId: string;
  readonly instanceId: string | undefined;
  readonly pool: ConnectionPool;
  readonly connectedAt: number;
  /** The credential (login session, API token) it authenticated with, if it has one. */
  readonly credentialId?: string;
  describe(): ConnectionInfo;
}

/**
 * What a cluster asks of the hub of its instance: the hub hands this to `SessionCluster.start`.
 * Calls arrive from other instances' decisions, so each must be a no-op when its session or
 * user is not (or no longer) here.
 */
export interface ClusterMember {
  /** Closes one local session (superseded by a connection on another instance). */
  closeSession(sessionId: string, code: number, reason: string): void;
  /**
   * Closes and revokes a user's local sessions (disconnected on another instance); `keep`'s
   * credential gets its own close (see Hub.disconnectUser).
   */
  revokeUser(userId: string, code: number, reason: string, keep?: KeptCredential): void;
  /**
   * Closes the local sessions (registered or saying hello) that authenticated with one
   * credential, and refuses those verified with it before now (revoked on another instance).
   * With `before` (a revocation delivered late) only the sessions connected before it close.
   */
  closeCredential(credentialId: string, code: number, reason: string, before?: number): void;
  /** The registered local sessions, for the heartbeat. */
  sessions(): Iterable<ClusterSession>;
  stats(): NodeStats;
}

/**
 * The shared store did not answer in time (Redis away or stalled): what other instances hold
 * is unknown. The admin API answers 503 CLUSTER_UNAVAILABLE with Retry-After.
 */
export class ClusterUnavailableError extends Error {
  /** No answer in time (rather than a failed connection): the command may still run later. */
  readonly timedOut: boolean;
  constructor(what: string, options: { cause?: unknown; timedOut?: boolean } = {}) {
    super(`session cluster: ${what}`, { cause: options.cause });
    this.name = 'ClusterUnavailableError';
    this.timedOut = options.timedOut ?? false;
  }
}

export function isClusterUnavailable(err: unknown): err is ClusterUnavailableError {
  return err instanceof ClusterUnavailableError;
}

/**
 * Sessions across every instance sharing one Redis (or any shared store): the per-user limit
 * and supersede-by-instanceId hold cluster-wide, a disconnect reaches the user's sockets on
 * every instance, and the admin API lists and counts all of them. The hub decides locally
 * first (so a single instance behaves exactly as without a cluster) and tells the cluster,
 * which settles what crosses instances. Methods other than the async ones never throw: a
 * failure is logged by the cluster and repaired on its next heartbeat.
 */
export interface SessionCluster {
  /** This instance's name in the cluster (shown as `node` by the admin API). */
  readonly nodeId: string;
  /** Starts heartbeats and the control feed; returns the stop (same as `close`). */
  start(member: ClusterMember): () => Promise<void>;
  /** A session registered here; the cluster may close others it supersedes elsewhere. */
  added(session: ClusterSession, maxPerUser: number): void;
  removed(sessionId: string): void;
  /**
   * Revokes the user on every other instance (this one has already closed its own sessions);
   * resolves to how many sessions elsewhere were closed. When the store is away it rejects
   * (ClusterUnavailableError) but keeps the revocation and retries it on each heartbeat until
   * it succeeds: a password change must eventually close the user's sockets everywhere.
   */
  revokeUser(userId: string, code: number, reason: string, keep?: KeptCredential): Promise<number>;
  /**
   * Revokes one credential (an API token, a login session) on every other instance (this one
   * has already closed its sessions); resolves once the other instances are told. The shared
   * store does not know which credential a session used, so no count comes back. When the store
   * is away it rejects and retries on each heartbeat, like `revokeUser`.
   */
  revokeCredential(credentialId: string, code: number, reason: string): Promise<void>;
  /**
   * Every live instance's sessions; this instance's as `local` describes them now. Rejects
   * with ClusterUnavailableError (as `stats` does) when the store does not answer in time.
   */
  connections(local: readonly ConnectionInfo[]): Promise<ConnectionInfo[]>;
  /** Live instances' figures (this one's as given) and the cluster's distinct users. */
  stats(local: NodeStats): Promise<{ nodes: (NodeStats & { node: string })[]; users: number }>;
  /**
   * Leaves the cluster (this instance's sessions are dropped from it). Idempotent, and bounded
   * in time even with the store away (the others then forget this instance at its deadline).
   */
  close(): Promise<void>;
}
