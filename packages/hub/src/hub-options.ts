import type { Registry } from 'prom-client';
import type { Bus } from './bus/bus.js';
import type { EventLog } from './event-log/event-log.js';
import type { AuthOutcome, HubLogger } from './hub-hooks.js';
import type { Identity, TokenVerifier } from './identity.js';
import type { SessionCluster } from './session-cluster.js';
import type { OutboundLimits } from './outbound-queue.js';
import type { SessionOptions } from './session-options.js';
import type { Thresholds } from './threshold-watch.js';
import type { AdaptiveWindowOptions } from './adaptive-window.js';

export interface HubOptions {
  log: EventLog;
  verifyToken: TokenVerifier;
  bus?: Bus;
  metricsRegistry?: Registry;
  session?: Partial<Omit<SessionOptions, 'outbound'>>;
  outbound?: Partial<OutboundLimits>;
  /**
   * The permessage-deflate threshold the `ws` server was given (`wsCompression`), and how many
   * sockets may hold a compressor at once (default `DEFAULT_DEFLATE_SOCKETS`): past that, a
   * socket's large frames go out plain (see DeflateBudget). Absent: no budget (`ws` alone decides).
   */
  compression?: { threshold: number; maxSockets?: number };
  /**
   * Time-based batching window for normal and low events (default 20). 0 sends every event on
   * its own. It is the window when the hub is quiet; under load it widens (`batchWidening`).
   */
  batchDelayMs?: number;
  /**
   * How the window widens under load (see `AdaptiveWindow`: over 10,000 deliveries/s, by rate
   * up to 3× `batchDelayMs`, and by the flush rounds' cost, which it keeps to about a third of
   * the time, up to 6×); `{ maxFactor: 1 }` keeps it fixed.
   */
  batchWidening?: Partial<Omit<AdaptiveWindowOptions, 'baseMs'>>;
  /**
   * A flush round yields to the event loop once it has run `flushSliceMs` (default 3), looking
   * at the clock every `flushSlice` sessions (default 50); see `FanOutOptions`.
   */
  flushSlice?: number;
  flushSliceMs?: number;
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
