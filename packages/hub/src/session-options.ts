import { DEFAULT_OUTBOUND_LIMITS, type OutboundLimits } from './outbound-queue.js';

export interface SessionOptions {
  /** Server ping interval; a peer silent for two intervals is closed. */
  heartbeatMs: number;
  /** Time an unauthenticated socket has to send `hello`. */
  authTimeoutMs: number;
  /** Largest inbound frame accepted (bytes); larger ones get FRAME_TOO_LARGE. */
  maxFrameBytes: number;
  /** Inbound token bucket per connection. */
  ratePerSec: number;
  burst: number;
  /** Rejected (rate-limited) frames tolerated per 10 s before closing RATE_LIMITED. */
  maxRejectedPer10s: number;
  /** Malformed frames tolerated before closing PROTOCOL_VIOLATION. */
  maxViolations: number;
  /** `token_expiring` is sent this long before the token expires. */
  tokenWarnMs: number;
  /** Most events replayed per log read during resume. */
  replayPageSize: number;
  /**
   * About this many bytes of events per log read during resume (the count is sized from the
   * previous read's events): bounds what a resuming reader of large events holds at a time.
   */
  replayPageBytes: number;
  /**
   * Live events held for a session while its replay runs, in bytes. Past it they are let go of
   * and the replay reads them from the log instead (see `LiveBuffer`): memory stays bounded and
   * the session is not closed. A replay keeps at most `outbound.softBytes / 2` (plus one event)
   * queued and in flight, writing more as the socket drains; it never counts against the hard
   * bound and none of its events is shed.
   */
  replayLiveBufferBytes: number;
  outbound: OutboundLimits;
}

export const DEFAULT_SESSION_OPTIONS: SessionOptions = {
  heartbeatMs: 25_000,
  authTimeoutMs: 5_000,
  maxFrameBytes: 64 * 1024,
  ratePerSec: 20,
  burst: 50,
  maxRejectedPer10s: 200,
  maxViolations: 20,
  tokenWarnMs: 60_000,
  replayPageSize: 500,
  replayPageBytes: 1024 * 1024,
  replayLiveBufferBytes: 1024 * 1024,
  outbound: DEFAULT_OUTBOUND_LIMITS,
};
