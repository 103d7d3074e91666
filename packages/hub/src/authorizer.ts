import {
  canReceive,
  EVENT_CATALOGUE,
  resolveSubscriptionItem,
  roleAtLeast,
  type EventType,
  type Role,
} from '@hdns/protocol';
import type { Identity } from './identity.js';
import type { LoggedEvent } from './event-log/event-log.js';

export interface Rejection {
  item: string;
  reason: 'unknown' | 'forbidden';
}

export interface Resolution {
  types: EventType[];
  rejected: Rejection[];
}

/**
 * What a role receives when its hello names no subscriptions. High-volume streams (the query
 * log, query stats) and metrics are opt-in.
 */
export const DEFAULT_SUBSCRIPTIONS: Readonly<Record<Role, readonly string[]>> = {
  viewer: ['dns', 'bulk', 'health', 'system'],
  operator: ['dns', 'bulk', 'health', 'system', 'security'],
  admin: ['dns', 'bulk', 'health', 'system', 'security', 'user'],
};

/**
 * Resolves subscription items (event types, categories, '*') for an identity. A named type the
 * role may not receive is rejected as forbidden; a category or '*' silently narrows to what the
 * role may receive, and is rejected only when nothing in it is allowed.
 */
export function resolveSubscriptions(role: Role, items: readonly string[]): Resolution {
  const types = new Set<EventType>();
  const rejected: Rejection[] = [];
  for (const item of items) {
    const resolved = resolveSubscriptionItem(item);
    if (!resolved) {
      rejected.push({ item, reason: 'unknown' });
      continue;
    }
    const allowed = resolved.filter((t) => roleAtLeast(role, EVENT_CATALOGUE[t].minRole));
    if (allowed.length === 0) {
      rejected.push({ item, reason: 'forbidden' });
      continue;
    }
    for (const t of allowed) types.add(t);
  }
  return { types: [...types], rejected };
}

/** Types an item removes from a subscription set (unknown items remove nothing). */
export function typesOfItem(item: string): readonly EventType[] {
  return resolveSubscriptionItem(item) ?? [];
}

/**
 * The per-event check: the catalogue's rule (role, then zone grants for zone-scoped events),
 * narrowed further by the event's own `meta.audience` when the publisher set one.
 */
export function mayReceive(identity: Identity, event: LoggedEvent): boolean {
  const audience = event.meta.audience;
  if (audience !== undefined && !roleAtLeast(identity.role, audience)) return false;
  return canReceive(event.event, event.data, identity);
}
