import type { EventType } from '@hdns/protocol';
import { AdaptiveWindow, type AdaptiveWindowOptions } from './adaptive-window.js';
import type { Bus } from './bus/bus.js';
import { EncodedEvent } from './encoded-event.js';
import type { LoggedEvent } from './event-log/event-log.js';
import type { Session } from './session.js';
import { SubscriptionIndex } from './subscription-index.js';

/** The part of a session the fan-out drives (a `Session`; tests pass stand-ins). */
export type FanOutSession = Pick<Session, 'deliver' | 'flush' | 'needsFlush'>;

export interface FanOutOptions {
  /** Time-based batching window for normal and low events; 0 sends every event on its own. */
  batchDelayMs: number;
  /** How the window widens with load (see `AdaptiveWindow`); `maxFactor: 1` keeps it fixed. */
  adaptive?: Partial<Omit<AdaptiveWindowOptions, 'baseMs'>>;
  /**
   * A flush round looks at the clock every `flushSlice` sessions (default 50) and yields
   * (setImmediate) once it has run `sliceMs` (default 3) since its last turn, so a publish (a
   * critical event is written at once) or socket I/O waits for a few ms, not for a round over
   * thousands of sessions. `sliceMs: 0` yields after every slice.
   */
  flushSlice?: number;
  sliceMs?: number;
}

export const DEFAULT_FLUSH_SLICE = 50;
export const DEFAULT_SLICE_MS = 3;

/**
 * The hub's fan-out: takes each event off the bus, encodes it once, hands it to the sessions
 * that subscribe to its type (each session applies its own reader rights), and flushes the
 * sessions' queues on one shared batching timer rather than a timer per session. The timer's
 * window widens with the delivery rate and with the recent rounds' cost (`AdaptiveWindow`), and
 * a long flush round yields to the event loop every few milliseconds.
 */
export class FanOut<S extends FanOutSession = Session> {
  private readonly index = new SubscriptionIndex<S>();
  /** Sessions with queued events waiting for the next flush round. */
  private readonly dirty = new Set<S>();
  /** When each event in flight was published, for the publish-to-send latency metric. */
  private readonly publishTimes = new Map<string, number>();
  private readonly unsubscribeBus: () => void;
  private readonly window: AdaptiveWindow;
  private readonly flushSlice: number;
  private readonly sliceMs: number;
  private flushTimer: NodeJS.Timeout | undefined;
  /** Set while a flush round is between two slices. */
  private yielded: NodeJS.Immediate | undefined;
  private dispatched = 0;
  private closed = false;

  constructor(
    bus: Bus,
    options: FanOutOptions,
    /** One callback for every EncodedEvent (the encode metric), not a closure per event. */
    private readonly onEncode: () => void,
  ) {
    this.window = new AdaptiveWindow({ ...options.adaptive, baseMs: options.batchDelayMs });
    this.flushSlice = Math.max(1, options.flushSlice ?? DEFAULT_FLUSH_SLICE);
    this.sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
    this.unsubscribeBus = bus.subscribe((e) => this.dispatch(e));
  }

  /** Newest seq dispatched to every session (the `through` of an idle session). */
  get position(): number {
    return this.dispatched;
  }

  /**
   * The batching window a flush scheduled now would use, in ms (the gauge): back at the
   * configured window once the hub has been quiet, whether or not a flush ran since.
   */
  get windowMs(): number {
    return this.window.windowMs(performance.now());
  }

  /** Marks the start of an event's publish; `dispatch` measures latency from here. */
  publishing(id: string): void {
    this.publishTimes.set(id, performance.now());
  }

  /** The publish of `id` is over (dispatched, or nothing to dispatch). */
  published(id: string): void {
    this.publishTimes.delete(id);
  }

  /** `types` is sorted and never mutated afterwards (the session replaces it instead). */
  subscribe(session: S, types: readonly EventType[]): void {
    this.index.set(session, types);
  }

  remove(session: S): void {
    this.index.remove(session);
    this.dirty.delete(session);
  }

  /** A logged event encoded for sessions (replay pages use it too). */
  encode(event: LoggedEvent, publishedAt = performance.now()): EncodedEvent {
    return new EncodedEvent(event, publishedAt, this.onEncode);
  }

  /** Stops the batching timer and any round in progress, and leaves the bus; idempotent. */
  close(): void {
    this.closed = true;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.yielded) clearImmediate(this.yielded);
    this.yielded = undefined;
    this.unsubscribeBus();
  }

  private dispatch(event: LoggedEvent): void {
    const sessions = this.index.subscribersOf(event.event);
    if (sessions.size > 0) {
      const encoded = this.encode(event, this.publishTimes.get(event.id));
      this.window.note(sessions.size, performance.now());
      for (const s of sessions) {
        s.deliver(encoded);
        if (s.needsFlush) this.dirty.add(s);
      }
    }
    this.dispatched = event.seq;
    if (this.dirty.size > 0) this.scheduleFlush();
  }

  /** One timer for all sessions; none while a round is still running (it reschedules itself). */
  private scheduleFlush(): void {
    if (this.flushTimer || this.yielded || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const sessions = [...this.dirty];
      this.dirty.clear();
      this.flushFrom(sessions, 0, 0);
    }, this.windowMs);
  }

  /**
   * Flushes `sessions[from…]`, yielding between slices (see `FanOutOptions`); `busyMs` is the
   * round's writing time so far, reported to the window when the round ends. Sessions that
   * still hold events after their flush (in-flight allowance reached), and those that got events
   * meanwhile, are in `dirty` for the next round, scheduled once this one is over.
   */
  private flushFrom(sessions: readonly S[], from: number, busyMs: number): void {
    this.yielded = undefined;
    if (this.closed) return;
    const started = performance.now();
    let end = from;
    while (end < sessions.length) {
      const s = sessions[end++];
      if (s) {
        s.flush();
        if (s.needsFlush) this.dirty.add(s);
      }
      if ((end - from) % this.flushSlice === 0 && performance.now() - started >= this.sliceMs)
        break;
    }
    const now = performance.now();
    const busy = busyMs + now - started;
    if (end < sessions.length) {
      this.yielded = setImmediate(() => this.flushFrom(sessions, end, busy));
      return;
    }
    this.window.noteRound(busy, now);
    if (this.dirty.size > 0) this.scheduleFlush();
  }
}
