/**
 * Where this client stands in the server's event stream, and which events it has already
 * delivered. The rules follow the hub's `batch.through` contract: every event for this session
 * with seq ≤ through was sent (or reported lost in a `gap` frame) before or with that batch.
 *
 * - position = the highest `through` seen (or the welcome's head on a fresh start); a reconnect
 *   resumes from it, so the server replays exactly what came after.
 * - Critical events bypass the server's queue and may arrive ahead of `through`, out of seq
 *   order; their seqs are remembered in `ahead` until `through` passes them, so the replay or the
 *   queued batch that later carries them again is not delivered twice.
 * - The watermark of a batch made only of critical events (the bypass path) is not trusted:
 *   during a resume replay the hub stamps such a batch with the replay cursor while lower-seq
 *   events of the same page are still queued, so taking it would drop those as duplicates (and a
 *   drop right then would skip them on resume). The next regular batch carries a safe watermark;
 *   the only cost is that the position lags while nothing but critical events flow.
 * - Anything with seq ≤ position was delivered (or lost with a gap) and is dropped.
 * - A failed resume (another epoch, older than retention, ahead of the head) is a reset: the
 *   caller reloads its state over REST; the position jumps to the server's head.
 */
import type { Priority, StreamPosition, WelcomeFrame } from '@hdns/protocol';

export type WelcomeOutcome =
  /** No position was held: the stream starts at the server's head. */
  | { kind: 'fresh' }
  /** The server will replay everything after the resumed position. */
  | { kind: 'resumed'; replayed: number }
  /** The resume failed; events may have been missed. The app should reload its state. */
  | { kind: 'resync'; reason: string; previous: StreamPosition };

export class ResumeTracker {
  private epoch: string | undefined;
  private seq = 0;
  /** Seqs > `seq` already delivered (critical events that overtook the watermark). */
  private readonly ahead = new Set<number>();

  /** The current position, or undefined before the first welcome. */
  get position(): StreamPosition | undefined {
    return this.epoch === undefined ? undefined : { epoch: this.epoch, seq: this.seq };
  }

  /** What `hello.resume` should carry: the position, once there is one. */
  resumeFrom(): StreamPosition | undefined {
    return this.position;
  }

  /** Applies a welcome; `requested` is the resume position the hello carried. */
  welcome(
    frame: Pick<WelcomeFrame, 'position' | 'resume'>,
    requested: StreamPosition | undefined,
  ): WelcomeOutcome {
    if (requested && frame.resume.ok && frame.position.epoch === requested.epoch) {
      // The replay starts right after `requested`; keep the dedupe state for the overlap.
      this.epoch = requested.epoch;
      this.seq = Math.max(this.seq, requested.seq);
      return { kind: 'resumed', replayed: frame.resume.replayed };
    }
    this.reset(frame.position);
    if (requested) {
      const reason =
        frame.resume.reason ??
        (frame.position.epoch !== requested.epoch ? 'epoch_mismatch' : 'resume_failed');
      return { kind: 'resync', reason, previous: requested };
    }
    return { kind: 'fresh' };
  }

  /**
   * Applies one `batch` frame: returns the events to deliver (new ones, in arrival order) and
   * moves the position to `through` unless the batch holds only critical events (see above).
   */
  batch<E extends { seq: number; priority: Priority }>(events: readonly E[], through: number): E[] {
    const fresh = events.filter((e) => this.accept(e.seq));
    if (!events.every((e) => e.priority === 'critical')) this.advance(through);
    return fresh;
  }

  /**
   * True exactly once per seq in this epoch: the caller delivers the event. Arrival order is
   * the caller's business; this only removes duplicates.
   */
  accept(seq: number): boolean {
    if (seq <= this.seq || this.ahead.has(seq)) return false;
    this.ahead.add(seq);
    return true;
  }

  /** Applies a batch's watermark after its events were accepted. */
  advance(through: number): void {
    if (through <= this.seq) return;
    this.seq = through;
    for (const s of this.ahead) if (s <= through) this.ahead.delete(s);
  }

  /** Size of the dedupe set (for tests and diagnostics). */
  get pending(): number {
    return this.ahead.size;
  }

  private reset(position: StreamPosition): void {
    this.epoch = position.epoch;
    this.seq = position.seq;
    this.ahead.clear();
  }
}
