import type { EventType } from '@hdns/protocol';
import type { Bus } from './bus/bus.js';
import { EncodedEvent } from './encoded-event.js';
import type { LoggedEvent } from './event-log/event-log.js';
import type { Session } from './session.js';
import { SubscriptionIndex } from './subscription-index.js';

/**
 * The hub's fan-out: takes each event off the bus, encodes it once, hands it to the sessions
 * that subscribe to its type (each session applies its own reader rights), and flushes the
 * sessions' queues on one shared batching timer rather than a timer per session.
 */
export class FanOut {
  private readonly index = new SubscriptionIndex<Session>();
  /** Sessions with queued events waiting for the next flush. */
  private readonly dirty = new Set<Session>();
  /** When each event in flight was published, for the publish-to-send latency metric. */
  private readonly publishTimes = new Map<string, number>();
  private readonly unsubscribeBus: () => void;
  private flushTimer: NodeJS.Timeout | undefined;
  private dispatched = 0;
  private closed = false;

  constructor(
    bus: Bus,
    /** Time-based batching window for normal and low events; 0 sends every event on its own. */
    private readonly batchDelayMs: number,
    /** One callback for every EncodedEvent (the encode metric), not a closure per event. */
    private readonly onEncode: () => void,
  ) {
    this.unsubscribeBus = bus.subscribe((e) => this.dispatch(e));
  }

  /** Newest seq dispatched to every session (the `through` of an idle session). */
  get position(): number {
    return this.dispatched;
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
  subscribe(session: Session, types: readonly EventType[]): void {
    this.index.set(session, types);
  }

  remove(session: Session): void {
    this.index.remove(session);
    this.dirty.delete(session);
  }

  /** A logged event encoded for sessions (replay pages use it too). */
  encode(event: LoggedEvent, publishedAt = performance.now()): EncodedEvent {
    return new EncodedEvent(event, publishedAt, this.onEncode);
  }

  /** Stops the batching timer and leaves the bus; idempotent. */
  close(): void {
    this.closed = true;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.unsubscribeBus();
  }

  private dispatch(event: LoggedEvent): void {
    const sessions = this.index.subscribersOf(event.event);
    if (sessions.size > 0) {
      const encoded = this.encode(event, this.publishTimes.get(event.id));
      for (const s of sessions) {
        s.deliver(encoded);
        if (s.needsFlush) this.dirty.add(s);
      }
    }
    this.dispatched = event.seq;
    if (this.dirty.size > 0) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const sessions = [...this.dirty];
      this.dirty.clear();
      for (const s of sessions) {
        s.flush();
        if (s.needsFlush) this.dirty.add(s);
      }
      if (this.dirty.size > 0) this.scheduleFlush();
    }, this.batchDelayMs);
  }
}
