import type { Priority } from '@hdns/protocol';
import type { EncodedEvent } from './encoded-event.js';

/** Where a session's frames go; `done` fires once the bytes left the process (or failed). */
export interface FrameSink {
  write(bytes: Buffer, kind: 'batch' | 'gap', done: (err?: Error) => void): void;
}

export interface OutboundLimits {
  /** Over this many queued + in-flight bytes: coalesce latest-value events, shed low priority. */
  softBytes: number;
  /** Over this many bytes the session is closed as a slow consumer. */
  hardBytes: number;
  /**
   * The in-flight allowance: a flush stops writing batches once more than this many bytes were
   * handed to the socket and not yet taken by the kernel (write callback pending); the rest
   * waits in the queue, where a critical event can pass it, and goes out from the write
   * callback that brings the figure back under the allowance. Much smaller than `softBytes`, so
   * a critical frame waits behind little in the process.
   */
  maxInflightBytes: number;
  maxBatchEvents: number;
  maxBatchBytes: number;
}

export const DEFAULT_OUTBOUND_LIMITS: OutboundLimits = {
  softBytes: 256 * 1024,
  hardBytes: 1024 * 1024,
  maxInflightBytes: 64 * 1024,
  maxBatchEvents: 100,
  maxBatchBytes: 64 * 1024,
};

export interface LostRange {
  fromSeq: number;
  toSeq: number;
  count: number;
  reason: 'shed' | 'coalesced';
}

/** Frames the queue writes that are specific to one session (built by the session's wire). */
export interface QueueFraming {
  /** A batch of pre-encoded event frames plus the session's `through` watermark. */
  batch(events: readonly Buffer[], through: number): Buffer[];
  /** Tells the peer what it lost; may return nothing (legacy peers have no gap frame). */
  gap(range: LostRange): Buffer | undefined;
}

export interface QueueHooks {
  /** The hard bound was crossed; the owner closes the session. Called once. */
  onOverflow(): void;
  onShed?(count: number, reason: LostRange['reason']): void;
  /** A batch frame was written; `oldestPublishedAt` is the performance.now() of its oldest event. */
  onBatch?(events: number, bytes: number, oldestPublishedAt: number): void;
  /** A written frame left the process (its bytes no longer count in flight): a paced replay wakes. */
  onWritten?(): void;
}

/**
 * Everything the queue calls back into, as one object: the session itself implements it with
 * methods, so a queue costs no closures per connection.
 */
export interface QueueOwner extends FrameSink, QueueHooks {
  /** Newest seq the hub has finished dispatching to every session. */
  hubPosition(): number;
}

interface Item {
  seq: number;
  priority: Priority;
  bytes: Buffer;
  coalesceKey: string | undefined;
  publishedAt: number;
  dead: boolean;
  /** Pushed by a replay: never coalesced or shed (a resuming client gets every event). */
  replayed: boolean;
}

/**
 * One session's outbound queue. Contract:
 * - Non-critical events leave in seq order, in batch frames of at most `maxBatchEvents` events
 *   and about `maxBatchBytes` bytes; `flush()` is called by the owner's timer, and at once for
 *   `high` events or a full batch.
 * - Critical events are written immediately, ahead of anything queued, and never shed.
 * - At most about `maxInflightBytes` (capped at `softBytes`) plus one batch are in flight: what
 *   a flush cannot write waits queued and leaves from the write callback that brings the
 *   in-flight bytes back under the allowance (no timer needed).
 * - Every batch carries `through`: all events of this session with seq ≤ through were written or
 *   reported lost in a gap frame, so a client resuming from `through` misses nothing.
 * - Memory is bounded: over `softBytes` latest-value events coalesce and low events are shed
 *   (reported as gaps); over `hardBytes` `onOverflow` fires and nothing more is queued.
 * - Replayed events (`push(…, true)`) are exempt from both bounds: the replay paces itself by
 *   `bufferedBytes` and the `onWritten` wake (it holds well under `softBytes`), and a resuming
 *   client must get every event, so they are never coalesced, shed or counted as an overflow.
 */
export class OutboundQueue {
  private items: Item[] = [];
  private head = 0;
  private queuedBytes = 0;
  private inflightBytes = 0;
  private lost: LostRange[] = [];
  private overflowed = false;
  private holdThrough: number | undefined;
  /** A flush stopped at the in-flight allowance: the write callback under it flushes again. */
  private held = false;

  constructor(
    private readonly owner: QueueOwner,
    private readonly framing: QueueFraming,
    private readonly limits: OutboundLimits,
  ) {}

  get depth(): number {
    return this.items.length - this.head;
  }

  get bufferedBytes(): number {
    return this.queuedBytes + this.inflightBytes;
  }

  /** Bytes written to the sink whose `done` has not fired yet. */
  get inflight(): number {
    return this.inflightBytes;
  }

  /** Never above `softBytes`: a flush never writes what the soft bound would shed. */
  private get allowance(): number {
    return Math.min(this.limits.maxInflightBytes, this.limits.softBytes);
  }

  get dirty(): boolean {
    return this.depth > 0 || this.lost.length > 0;
  }

  /** The seq `through` is held at (see `holdPosition`), or undefined when not held. */
  get heldPosition(): number | undefined {
    return this.holdThrough;
  }

  /**
   * While a replay runs, `through` must not pass the last replayed seq even when the queue is
   * empty; `undefined` lifts the hold.
   */
  holdPosition(seq: number | undefined): void {
    this.holdThrough = seq;
  }

  /** `replayed`: pushed by a paced replay (see the class contract). */
  push(encoded: EncodedEvent, bytes: Buffer, replayed = false): void {
    if (this.overflowed) return;
    const priority = encoded.event.priority;
    if (priority === 'critical') {
      this.writeBatch([bytes], this.through(encoded.seq), 1, encoded.publishedAt);
    } else {
      this.items.push({
        seq: encoded.seq,
        priority,
        bytes,
        coalesceKey: encoded.coalesceKey,
        publishedAt: encoded.publishedAt,
        dead: false,
        replayed,
      });
      this.queuedBytes += bytes.length;
    }
    if (!replayed && this.bufferedBytes > this.limits.softBytes) this.relieve();
    if (!replayed && this.bufferedBytes > this.limits.hardBytes) {
      this.overflow();
      return;
    }
    if (priority === 'high' || this.depth >= this.limits.maxBatchEvents) this.flush();
  }

  /** Writes queued events while no more than `maxInflightBytes` are in flight. */
  flush(): void {
    if (this.overflowed) return;
    const allowance = this.allowance;
    if (this.inflightBytes > allowance) {
      this.held = this.dirty;
      return;
    }
    this.flushGaps();
    while (this.depth > 0 && this.inflightBytes <= allowance) {
      const batch: Buffer[] = [];
      let bytes = 0;
      let lastSeq = 0;
      let oldest = Number.POSITIVE_INFINITY;
      while (this.head < this.items.length && batch.length < this.limits.maxBatchEvents) {
        const item = this.items[this.head];
        if (!item) break;
        if (!item.dead) {
          if (batch.length > 0 && bytes + item.bytes.length > this.limits.maxBatchBytes) break;
          batch.push(item.bytes);
          bytes += item.bytes.length;
          oldest = Math.min(oldest, item.publishedAt);
          this.queuedBytes -= item.bytes.length;
        }
        lastSeq = item.seq;
        this.head++;
      }
      if (batch.length === 0) break;
      const through = this.depth > 0 ? lastSeq : this.through();
      this.writeBatch(batch, Math.max(through, lastSeq), batch.length, oldest);
    }
    this.held = this.depth > 0;
    this.compact();
  }

  /** Drops everything; the session is closing. */
  clear(): void {
    this.items = [];
    this.head = 0;
    this.queuedBytes = 0;
    this.lost = [];
    this.held = false;
  }

  /**
   * The watermark if a frame went out now. `sending` is the seq of an event leaving with it:
   * with nothing queued, everything up to it has been sent.
   */
  private through(sending = 0): number {
    // Dead (shed) items count too: until their gap frame is out, a resume must replay them.
    const first = this.items[this.head];
    // During a replay the hold caps the watermark, and queued events cap it further (a critical
    // event in a replay page leaves ahead of lower seqs still queued).
    if (this.holdThrough !== undefined) {
      return first ? Math.min(this.holdThrough, first.seq - 1) : this.holdThrough;
    }
    return first ? first.seq - 1 : Math.max(this.owner.hubPosition(), sending);
  }

  private writeBatch(
    events: readonly Buffer[],
    through: number,
    count: number,
    oldestPublishedAt: number,
  ): void {
    const frames = this.framing.batch(events, through);
    let bytes = 0;
    for (const frame of frames) {
      bytes += frame.length;
      this.write(frame, 'batch');
    }
    this.owner.onBatch?.(count, bytes, oldestPublishedAt);
  }

  private write(frame: Buffer, kind: 'batch' | 'gap'): void {
    const size = frame.length;
    this.inflightBytes += size;
    this.owner.write(frame, kind, () => {
      this.inflightBytes -= size;
      if (this.held && this.inflightBytes <= this.allowance) this.flush();
      this.owner.onWritten?.();
    });
  }

  private flushGaps(): void {
    for (const range of this.lost.splice(0)) {
      const frame = this.framing.gap(range);
      if (frame) this.write(frame, 'gap');
    }
  }

  /**
   * Coalesces latest-value events (keeping the newest per key, so they stay bounded by the
   * number of keys), then sheds low-priority events without a key, oldest first.
   */
  private relieve(): void {
    const newest = new Map<string, Item>();
    for (let i = this.items.length - 1; i >= this.head; i--) {
      const item = this.items[i];
      if (!item || item.dead || item.replayed || item.coalesceKey === undefined) continue;
      if (newest.has(item.coalesceKey)) this.kill(item, 'coalesced');
      else newest.set(item.coalesceKey, item);
    }
    for (let i = this.head; i < this.items.length; i++) {
      if (this.bufferedBytes <= this.limits.softBytes) break;
      const item = this.items[i];
      if (
        item &&
        !item.dead &&
        !item.replayed &&
        item.priority === 'low' &&
        item.coalesceKey === undefined
      ) {
        this.kill(item, 'shed');
      }
    }
  }

  private kill(item: Item, reason: LostRange['reason']): void {
    item.dead = true;
    this.queuedBytes -= item.bytes.length;
    // One pending range per reason: the peer learns how many and between which seqs.
    const pending = this.lost.find((r) => r.reason === reason);
    if (pending) {
      pending.fromSeq = Math.min(pending.fromSeq, item.seq);
      pending.toSeq = Math.max(pending.toSeq, item.seq);
      pending.count++;
    } else {
      this.lost.push({ fromSeq: item.seq, toSeq: item.seq, count: 1, reason });
    }
    this.owner.onShed?.(1, reason);
  }

  private overflow(): void {
    this.overflowed = true;
    this.clear();
    this.owner.onOverflow();
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
