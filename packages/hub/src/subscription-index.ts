import type { EventType } from '@hdns/protocol';

/**
 * Event type → the subscribers that want it, so publish touches only interested sessions.
 * Subscribers are opaque keys; the index holds no other state about them. The array given to
 * `set` is kept, not copied (one per subscriber between the session and the index): callers
 * replace it, never mutate it.
 */
export class SubscriptionIndex<S> {
  private readonly byType = new Map<EventType, Set<S>>();
  private readonly bySubscriber = new Map<S, readonly EventType[]>();

  /** Replaces the subscriber's types (without duplicates). */
  set(subscriber: S, types: readonly EventType[]): void {
    this.remove(subscriber);
    if (types.length === 0) return;
    this.bySubscriber.set(subscriber, types);
    for (const type of types) {
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

  typesOf(subscriber: S): readonly EventType[] {
    return this.bySubscriber.get(subscriber) ?? [];
  }

  hasSubscribers(type: EventType): boolean {
    return this.byType.has(type);
  }
}

const EMPTY: ReadonlySet<never> = new Set<never>();
