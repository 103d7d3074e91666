import type { Registry } from 'prom-client';
import type { Bus } from './bus/bus.js';
import type { EventLog } from './event-log/event-log.js';
import type { AuthOutcome, HubLogger } from './hub-hooks.js';
import type { Identity, TokenVerifier } from './identity.js';
import type { SessionCluster } from './session-cluster.js';
import type { OutboundLimits } from './outbound-queue.js';
import type { SessionOptions } from './session-options.js';
import type { Thresholds } from './threshold-watch.js';

export interface HubOptions {
  log: EventLog;
  verifyToken: TokenVerifier;
  bus?: Bus;
  metricsRegistry?: Registry;
  session?: Partial<Omit<SessionOptions, 'outbound'>>;
  outbound?: Partial<OutboundLimits>;
  /** Time-based batching window for normal and low events. 0 sends every event on its own. */
  batchDelayMs?: number;
  /** Connections one user may hold; a newer one past the limit supersedes the oldest. */
  maxConnectionsPerUser?: number;
  /** Connections the hub accepts in all; past it new ones close SERVER_OVERLOADED. */
  maxConnections?: number;
  thresholds?: Partial<Thresholds>;
  /** Audit hook for every WebSocket authentication success and failure. */
  onAuth?: (outcome: AuthOutcome) => void;
  /** Persists an acknowledgement; resolves to the number of events it covered. */
  onAck?: (identity: Identity, ack: { upToSeq?: number; ids?: string[] }) => Promise<number>;
  logger?: HubLogger;
  /**
   * Sessions shared with other instances (the per-user limit, disconnects, the admin lists).
   * The hub starts it and stops it on close. Absent: this hub's sessions are all there are.
   */
  cluster?: SessionCluster;
}
