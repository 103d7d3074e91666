import { TokenBucket } from './token-bucket.js';
import type { SessionOptions } from './session-options.js';

export type InboundVerdict =
  | { kind: 'accept' }
  | { kind: 'too_large' }
  | { kind: 'rate_limited'; reply: boolean }
  | { kind: 'close_rate_limited' };

/**
 * Per-connection inbound limits: maximum frame size and a token bucket. A rate-limited frame is
 * dropped with at most one error reply per second (no amplification); sustained flooding past
 * `maxRejectedPer10s` ends the connection. Malformed frames count as violations.
 */
export class InboundGuard {
  private readonly bucket: TokenBucket;
  private rejectedInWindow = 0;
  private windowStart = Date.now();
  private lastReply = 0;
  violations = 0;

  constructor(private readonly options: SessionOptions) {
    this.bucket = new TokenBucket(options.ratePerSec, options.burst);
  }

  check(bytes: number): InboundVerdict {
    if (bytes > this.options.maxFrameBytes) return { kind: 'too_large' };
    if (this.bucket.take()) return { kind: 'accept' };
    const now = Date.now();
    if (now - this.windowStart > 10_000) {
      this.windowStart = now;
      this.rejectedInWindow = 0;
    }
    if (++this.rejectedInWindow > this.options.maxRejectedPer10s)
      return { kind: 'close_rate_limited' };
    const reply = now - this.lastReply >= 1_000;
    if (reply) this.lastReply = now;
    return { kind: 'rate_limited', reply };
  }

  /** Counts a malformed frame; true when the connection should be closed. */
  violation(): boolean {
    return ++this.violations >= this.options.maxViolations;
  }
}
