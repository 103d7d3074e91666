import type { EncodedEvent } from './encoded-event.js';

/**
 * The live events a session receives while its replay runs, held until the replay has sent
 * everything before them. Contract:
 * - Bounded by `maxBytes` (the events' bytes for this session). Past it the buffer lets go of its
 *   events and says it `overran`: each of them is in the log already (events reach sessions only
 *   once logged), so the replay reads them from there instead, paced like the rest, by extending
 *   its range to the log's new head (`replayedThrough`). A long replay while live events flow
 *   therefore costs at most `maxBytes` here and never closes the session: a reader that reads
 *   faster than events are published catches up to the head; a slower one stays in replay,
 *   served from the log at its own pace, for as long as the log retains what it has not read
 *   (past that the session is closed STREAM_RESET and the resume answer says `too_old`).
 * - Events come out in arrival order, only those after the replay's final head.
 */
export class LiveBuffer {
  private events: EncodedEvent[] = [];
  private sizes: number[] = [];
  private bytes = 0;
  private overran = false;

  constructor(private readonly maxBytes: number) {}

  add(encoded: EncodedEvent, size: number): void {
    if (this.overran) return;
    if (this.bytes + size > this.maxBytes) {
      this.events = [];
      this.sizes = [];
      this.bytes = 0;
      this.overran = true;
      return;
    }
    this.events.push(encoded);
    this.sizes.push(size);
    this.bytes += size;
  }

  /**
   * Whether the replay must go on from the log rather than hand these events to the live queue
   * in one go: the buffer overran, or holds more than `allowance` bytes.
   */
  exceeds(allowance: number): boolean {
    return this.overran || this.bytes > allowance;
  }

  /**
   * Starts buffering afresh, before the replay reads the log's new head: every event let go of
   * so far (an overrun, or this reset) reached the session before that read, so it is logged at
   * or below the head the read returns and the extended replay sends it. An event arriving while
   * the read is in flight is held (or, past the bound again, overruns again: `exceeds` stays
   * true and the replay reads once more).
   */
  restart(): void {
    this.events = [];
    this.sizes = [];
    this.bytes = 0;
    this.overran = false;
  }

  /**
   * The replay now runs up to `head`, read from the log after `restart`: drops what it covers.
   * An overrun since `restart` stands (those events may lie after `head`).
   */
  replayedThrough(head: number): void {
    const events: EncodedEvent[] = [];
    const sizes: number[] = [];
    let bytes = 0;
    this.events.forEach((e, i) => {
      const size = this.sizes[i] ?? 0;
      if (e.seq <= head) return;
      events.push(e);
      sizes.push(size);
      bytes += size;
    });
    this.events = events;
    this.sizes = sizes;
    this.bytes = bytes;
  }

  /** The events after `head`, in arrival order; the buffer is spent. */
  drain(head: number): EncodedEvent[] {
    const after = this.events.filter((e) => e.seq > head);
    this.events = [];
    this.sizes = [];
    this.bytes = 0;
    return after;
  }
}
