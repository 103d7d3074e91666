import type { EventType } from '@hdns/protocol';

/**
 * Event type → the subscribers that want it, so publish touches only interested sessions.
 * Subscribers are opaque keys; the index holds no other state about them.
 */
export class SubscriptionIndex<S> {
  private readonly byType = new Map<EventType, Set<S>>();
  private readonly bySubscriber = new Map<S, Set<EventType>>();

  /** Replaces the subscriber's set of types. */
  set(subscriber: S, types: Iterable<EventType>): void {
    this.remove(subscriber);
    const mine = new Set(types);
    if (mine.size === 0) return;
    this.bySubscriber.set(subscriber, mine);
    for (const type of mine) {
      let set = this.byType.get(type);
      if (!set) this.byType.set(type, (set = new Set()));
      set.add(subscriber);
    }
  }

  remove(subscriber: S): void {
    const mine = this.bySubscriber.get(subscriber);
    if (!mine) return;
    this.bySubscriber.delete(subscriber);
    for (const type of mine) {
      const set = this.byType.get(type);
      set?.delete(subscriber);
      if (set?.size === 0) this.byType.delete(type);
    }
  }

  /** Live view; callers must not mutate it. Empty when nobody listens. */
  subscribersOf(type: EventType): ReadonlySet<S> {
    return this.byType.get(type) ?? EMPTY;
  }

  typesOf(subscriber: S): ReadonlySet<EventType> {
    return this.bySubscriber.get(subscriber) ?? EMPTY;
  }

  hasSubscribers(type: EventType): boolean {
    return this.byType.has(type);
  }
}

const EMPTY: ReadonlySet<never> = new Set<never>();
