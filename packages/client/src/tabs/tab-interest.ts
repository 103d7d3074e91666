/**
 * What one tab asked for, as a filter: the shared connection carries the union of all tabs'
 * subscriptions, and each tab sees only the event types its own items name (types, categories,
 * '*'), as a single client would. `null` items (no `subscriptions` option, nothing subscribed)
 * mean the server's default set: no filter.
 */
import { resolveSubscriptionItem, type EventType } from '@hdns/protocol';
import type { TabItems } from './messages.js';

export class TabInterest {
  private list: TabItems;
  private types: ReadonlySet<string> | undefined;
  /** Bumped on every change; see TabRegistry. */
  version = 0;

  constructor(initial: readonly string[] | undefined) {
    this.list = initial ? [...new Set(initial)] : null;
    this.types = expand(this.list);
  }

  get items(): TabItems {
    return this.list;
  }

  has(item: string): boolean {
    return this.list?.includes(item) ?? false;
  }

  add(items: readonly string[]): number {
    return this.set([...new Set([...(this.list ?? []), ...items])]);
  }

  remove(items: readonly string[]): number {
    const drop = new Set(items);
    return this.set((this.list ?? []).filter((i) => !drop.has(i)));
  }

  /** Whether this tab wants events of `type`. */
  wants(type: string): boolean {
    return this.types === undefined || this.types.has(type);
  }

  /** The part of the connection's effective set this tab asked for. */
  filter(effective: readonly string[]): string[] {
    return effective.filter((t) => this.wants(t));
  }

  private set(next: readonly string[]): number {
    this.list = next;
    this.types = expand(next);
    return ++this.version;
  }
}

function expand(items: TabItems): ReadonlySet<EventType> | undefined {
  if (items === null) return undefined;
  const types = new Set<EventType>();
  for (const item of items) for (const t of resolveSubscriptionItem(item) ?? []) types.add(t);
  return types;
}
