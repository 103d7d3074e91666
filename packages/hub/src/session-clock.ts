import { DeadlineHeap, type Deadline } from './deadline-heap.js';

/** What the clock drives on a session. */
export interface Clocked {
  /** The heartbeat check; runs every `heartbeatMs / SWEEPS_PER_INTERVAL`. */
  beat(now: number): void;
  /** A deadline set with `at` has come. */
  due(): void;
}

/** Heartbeat checks per interval: a silent peer is found at most a quarter interval late. */
export const SWEEPS_PER_INTERVAL = 4;

/**
 * Hub-wide timing for sessions: one sweep for heartbeats and one re-armed timer for the token
 * deadlines, instead of a heartbeat timer re-armed per beat plus warn and expiry timers per
 * session (a Timeout object and a closure each, most of an idle session's heap).
 */
export class SessionClock<S extends Clocked> {
  private readonly deadlines = new DeadlineHeap<S>((s) => s.due());
  private sweep: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly heartbeatMs: number,
    /** The sessions to beat (the authenticated ones). */
    private readonly sessions: () => Iterable<S>,
  ) {}

  /** Starts the heartbeat sweep; idempotent. */
  start(): void {
    if (this.sweep || this.closed) return;
    this.sweep = setInterval(() => {
      const now = Date.now();
      // A beat may close its session, which removes it from the registry mid-iteration; Map
      // iteration allows that.
      for (const s of this.sessions()) s.beat(now);
    }, this.heartbeatMs / SWEEPS_PER_INTERVAL);
    // The sockets keep the process alive, not the sweep.
    this.sweep.unref();
  }

  /** Calls `session.due()` at `at` (epoch ms); replaces `previous` if given. */
  at(session: S, at: number, previous?: Deadline<S>): Deadline<S> {
    this.deadlines.cancel(previous);
    return this.deadlines.schedule(session, at);
  }

  cancel(deadline: Deadline<S> | undefined): void {
    this.deadlines.cancel(deadline);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.sweep);
    this.deadlines.close();
  }
}
