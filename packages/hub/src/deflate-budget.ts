/**
 * How many sockets of one hub may hold a permessage-deflate compressor at once.
 *
 * Why: `ws` allocates a socket's deflater on the first frame it compresses and keeps it until
 * the socket closes (~100–130 KB of RSS each with ws-compression.ts's settings). Frames over the
 * threshold are common on a resume (replay batches), so after a reconnect storm every resumed
 * socket would hold one: 5,000 sockets, ~600 MB, for as long as they stay connected. With the
 * budget, the first `maxSockets` sockets to need one get it; a socket past the budget sends its
 * large frames plain (the extension stays negotiated: a frame is compressed or not on its own,
 * RFC 7692 §6) until a holder closes and frees a place. So compression memory is bounded by
 * `maxSockets` × one deflater, whatever the number of connections.
 *
 * Contract: `claim()` is true at most `maxSockets` times without a matching `release()`; the
 * caller releases exactly once per successful claim (when its socket closes).
 */
export class DeflateBudget {
  private held = 0;

  constructor(
    /** Frames of at least this many bytes are compressed (the `ws` server's threshold). */
    readonly threshold: number,
    readonly maxSockets: number,
  ) {}

  /** Sockets holding a place now. */
  get sockets(): number {
    return this.held;
  }

  /** Takes a place for a socket about to compress its first frame; false when none is left. */
  claim(): boolean {
    if (this.held >= this.maxSockets) return false;
    this.held++;
    return true;
  }

  /** Gives back the place of a socket that held one (it closed). */
  release(): void {
    if (this.held > 0) this.held--;
  }
}

/** Sockets that may hold a deflater at once unless configured otherwise (~130 MB at most). */
export const DEFAULT_DEFLATE_SOCKETS = 1_000;
