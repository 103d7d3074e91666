/**
 * Typed fan-out of events to handlers registered by event type, by category, or for every event
 * (`'*'`). Contract:
 * - A handler registered for a type receives `EventFrame<T>` with the catalogue's payload type;
 *   category and `'*'` handlers receive the discriminated union (`switch (e.event)` narrows).
 * - Each event reaches each handler function at most once, even when the same function is
 *   registered under several keys; handlers run type first, then category, then `'*'`, each
 *   group in registration order.
 * - Events are dispatched in the order `dispatch` is called (arrival order); the router never
 *   reorders or buffers.
 * - A throwing handler is logged and does not stop the others. Registering or removing handlers
 *   during a dispatch takes effect from the next event (lists are copied on write).
 */
import {
  SUBSCRIBE_ALL,
  type Category,
  type EventFrame,
  type EventFrameUnion,
  type EventType,
} from '@hdns/protocol';
import type { ClientLogger } from './logger.js';

export type RouteKey = EventType | Category | typeof SUBSCRIBE_ALL;

/** The handler type for a key: typed payload for an event type, the union otherwise. */
export type HandlerFor<K extends RouteKey> = K extends EventType
  ? (event: EventFrame<K>) => void
  : (event: EventFrameUnion) => void;

type AnyHandler = (event: EventFrameUnion) => void;

export class EventRouter {
  private readonly handlers = new Map<RouteKey, readonly AnyHandler[]>();

  constructor(private readonly logger: ClientLogger) {}

  /**
   * Registers `handler`; the returned function removes it. Registering the same function twice
   * under one key is a no-op (like addEventListener).
   */
  on<K extends RouteKey>(key: K, handler: NoInfer<HandlerFor<K>>): () => void {
    const h = handler as AnyHandler;
    const list = this.handlers.get(key) ?? [];
    if (!list.includes(h)) this.handlers.set(key, [...list, h]);
    return () => this.off(key, handler);
  }

  /** Removes `handler` from `key`, or every handler of `key` when none is given. */
  off<K extends RouteKey>(key: K, handler?: NoInfer<HandlerFor<K>>): void {
    if (!handler) {
      this.handlers.delete(key);
      return;
    }
    const list = this.handlers.get(key);
    if (!list) return;
    const next = list.filter((h) => h !== handler);
    if (next.length > 0) this.handlers.set(key, next);
    else this.handlers.delete(key);
  }

  dispatch(event: EventFrame): void {
    const e = event as EventFrameUnion;
    const byType = this.handlers.get(e.event);
    const byCategory = this.handlers.get(e.category);
    const all = this.handlers.get(SUBSCRIBE_ALL);
    const groups = [byType, byCategory, all].filter((g) => g !== undefined);
    if (groups.length === 1 && groups[0]) {
      for (const h of groups[0]) this.call(h, e);
      return;
    }
    const called = new Set<AnyHandler>();
    for (const group of groups) {
      for (const h of group) {
        if (called.has(h)) continue;
        called.add(h);
        this.call(h, e);
      }
    }
  }

  private call(handler: AnyHandler, event: EventFrameUnion): void {
    try {
      handler(event);
    } catch (err) {
      this.logger.error('event handler threw', { event: event.event, seq: event.seq, err });
    }
  }
}
