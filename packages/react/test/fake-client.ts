/**
 * An in-memory stand-in for RealtimeClient implementing exactly RealtimeClientLike: tests push
 * events and state changes synchronously and inspect the requests the hooks made. Routing
 * mirrors the real EventRouter (type, then category, then '*'; each handler once per event).
 */
import {
  EVENT_CATALOGUE,
  EXAMPLE_EVENTS,
  SUBSCRIBE_ALL,
  type EventDataOf,
  type EventFrame,
  type EventFrameUnion,
  type EventType,
  type StreamPosition,
} from '@hdns/protocol';
import type { ConnectionSnapshot, HandlerFor, RouteKey, SubscriptionResult } from '@hdns/client';
import type { RealtimeClientLike } from '../src/client-like.js';

type AnyHandler = (event: EventFrameUnion) => void;

export class FakeClient implements RealtimeClientLike {
  state: ConnectionSnapshot = { state: 'idle', reason: 'init', attempt: 0 };
  position: StreamPosition | undefined = undefined;
  subscriptions: readonly string[];
  readonly calls: { op: string; arg?: unknown }[] = [];
  /** Set to make the next ack reject with this error. */
  failNextAck: Error | undefined;
  private readonly handlers = new Map<string, Set<AnyHandler>>();
  private readonly stateHandlers = new Set<(s: ConnectionSnapshot) => void>();
  private seq = 0;

  constructor(subscriptions: readonly string[] = []) {
    this.subscriptions = subscriptions;
  }

  connect(): void {
    this.calls.push({ op: 'connect' });
    this.setState({ state: 'open', reason: 'welcome', attempt: 0 });
  }

  disconnect(): void {
    this.calls.push({ op: 'disconnect' });
    this.setState({ state: 'closed', reason: 'client_disconnect', attempt: 0 });
  }

  on<K extends RouteKey>(key: K, handler: NoInfer<HandlerFor<K>>): () => void {
    const h = handler as AnyHandler;
    const set = this.handlers.get(key) ?? new Set();
    set.add(h);
    this.handlers.set(key, set);
    return () => this.handlers.get(key)?.delete(h);
  }

  onState(handler: (state: ConnectionSnapshot) => void): () => void {
    this.stateHandlers.add(handler);
    return () => this.stateHandlers.delete(handler);
  }

  subscribe(items: readonly string[]): Promise<SubscriptionResult> {
    this.calls.push({ op: 'subscribe', arg: [...items] });
    return Promise.resolve({ subscriptions: [...this.subscriptions], rejected: [] });
  }

  unsubscribe(items: readonly string[]): Promise<SubscriptionResult> {
    this.calls.push({ op: 'unsubscribe', arg: [...items] });
    return Promise.resolve({ subscriptions: [...this.subscriptions], rejected: [] });
  }

  ack(target: { upToSeq?: number; ids?: string[] } = {}): Promise<{ count: number }> {
    this.calls.push({ op: 'ack', arg: target });
    const fail = this.failNextAck;
    this.failNextAck = undefined;
    return fail ? Promise.reject(fail) : Promise.resolve({ count: 1 });
  }

  /** Number of handlers registered under `key`. */
  listeners(key: string): number {
    return this.handlers.get(key)?.size ?? 0;
  }

  requests(op: string): unknown[] {
    return this.calls.filter((c) => c.op === op).map((c) => c.arg);
  }

  setState(next: ConnectionSnapshot): void {
    this.state = next;
    for (const h of [...this.stateHandlers]) h(next);
  }

  /** Delivers an event (built with `makeEvent` unless given) and advances the position. */
  emit<T extends EventType>(
    type: T,
    data?: EventDataOf<T>,
    extra: Partial<EventFrame> = {},
  ): EventFrame<T> {
    const event = makeEvent(type, data, { seq: ++this.seq, ...extra });
    this.position = { epoch: 'ep_test', seq: Math.max(this.position?.seq ?? 0, event.seq) };
    const e = event as EventFrameUnion;
    const called = new Set<AnyHandler>();
    for (const key of [e.event, e.category, SUBSCRIBE_ALL]) {
      for (const h of [...(this.handlers.get(key) ?? [])]) {
        if (called.has(h)) continue;
        called.add(h);
        h(e);
      }
    }
    return event;
  }
}

let counter = 0;

/** A well-formed event frame of `type` (catalogue example payload unless given). */
export function makeEvent<T extends EventType>(
  type: T,
  data?: EventDataOf<T>,
  extra: Partial<EventFrame> = {},
): EventFrame<T> {
  const spec = EVENT_CATALOGUE[type];
  counter += 1;
  return {
    type: 'event',
    id: `evt-${counter}`,
    seq: counter,
    event: type,
    category: spec.category,
    priority: spec.priority,
    ts: new Date(0).toISOString(),
    data: data ?? EXAMPLE_EVENTS[type],
    meta: {},
    ...extra,
  } as EventFrame<T>;
}
