/**
 * Reference-counted subscriptions shared by every `useSubscription` on one client.
 *
 * Why more than a counter per item: the server expands items (categories, '*') into event types
 * and `unsubscribe(['dns'])` removes every dns type, even one another component asked for by
 * name. So on release the registry computes which event types nobody needs any more and
 * unsubscribes exactly those types.
 *
 * Contract:
 * - `acquire(items)` adds a holder for each item; the first holder of an item sends one
 *   `subscribe` (items already covered by held items or the baseline are not sent again).
 * - The returned release function (idempotent) drops those holds. Releases are applied in a
 *   microtask, so unmount + remount in the same tick (StrictMode, list reorders) sends nothing.
 * - A type is unsubscribed only when no held item covers it and it was not in the baseline:
 *   the client's subscription set when the registry was created (its initial subscriptions),
 *   which components never take away.
 * - Items that name nothing known are passed through as they are (the server rejects them).
 * - Request failures are reported to `onError` (default console.warn); nothing is retried here,
 *   the client already queues requests while offline and restores its set on reconnect.
 */
import { resolveSubscriptionItem } from '@hdns/protocol';
import type { RealtimeClientLike } from './client-like.js';

export type SubscriptionErrorHandler = (err: unknown, op: 'subscribe' | 'unsubscribe') => void;

const warn: SubscriptionErrorHandler = (err, op) => console.warn(`@hdns/react: ${op} failed`, err);

export class SubscriptionRegistry {
  private readonly holds = new Map<string, number>();
  private readonly baseline: ReadonlySet<string>;
  private readonly released = new Set<string>();
  private flushQueued = false;

  constructor(
    private readonly client: RealtimeClientLike,
    private readonly onError: SubscriptionErrorHandler = warn,
  ) {
    this.baseline = expand(client.subscriptions);
  }

  /** Holds `items` until the returned function is called. */
  acquire(items: readonly string[]): () => void {
    const unique = [...new Set(items)];
    const covered = this.covered();
    const fresh: string[] = [];
    for (const item of unique) {
      const n = this.holds.get(item) ?? 0;
      this.holds.set(item, n + 1);
      if (n === 0 && !this.released.delete(item) && !isCovered(item, covered)) fresh.push(item);
    }
    if (fresh.length > 0) {
      this.client.subscribe(fresh).catch((err: unknown) => this.onError(err, 'subscribe'));
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      for (const item of unique) this.release(item);
    };
  }

  /** Items currently held, with their holder counts (for diagnostics and tests). */
  held(): ReadonlyMap<string, number> {
    return new Map(this.holds);
  }

  private release(item: string): void {
    const n = this.holds.get(item) ?? 0;
    if (n <= 1) {
      this.holds.delete(item);
      this.released.add(item);
      this.queueFlush();
    } else {
      this.holds.set(item, n - 1);
    }
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  private flush(): void {
    const dropped = [...this.released].filter((item) => !this.holds.has(item));
    this.released.clear();
    if (dropped.length === 0) return;
    const keep = this.covered();
    const remove = new Set<string>();
    for (const item of dropped) {
      for (const type of expandItem(item)) if (!keep.has(type)) remove.add(type);
    }
    if (remove.size === 0) return;
    this.client.unsubscribe([...remove]).catch((err: unknown) => this.onError(err, 'unsubscribe'));
  }

  /** Event types covered by the baseline and every held item. */
  private covered(): Set<string> {
    const set = new Set(this.baseline);
    for (const type of expand(this.holds.keys())) set.add(type);
    return set;
  }
}

function isCovered(item: string, covered: ReadonlySet<string>): boolean {
  const types = resolveSubscriptionItem(item);
  return types !== undefined && types.every((t) => covered.has(t));
}

/** An item's event types; an unknown item stands for itself. */
function expandItem(item: string): readonly string[] {
  return resolveSubscriptionItem(item) ?? [item];
}

function expand(items: Iterable<string>): Set<string> {
  const set = new Set<string>();
  for (const item of items) for (const type of expandItem(item)) set.add(type);
  return set;
}

const registries = new WeakMap<RealtimeClientLike, SubscriptionRegistry>();

/** The one registry of a client, shared across providers and components. */
export function subscriptionRegistryFor(client: RealtimeClientLike): SubscriptionRegistry {
  let registry = registries.get(client);
  if (!registry) {
    registry = new SubscriptionRegistry(client);
    registries.set(client, registry);
  }
  return registry;
}
