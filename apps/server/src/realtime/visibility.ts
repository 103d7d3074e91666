import { EVENT_CATALOGUE, EVENT_TYPES, roleAtLeast, type Role } from '@hdns/protocol';
import type { EventQuery } from '@hdns/hub';

/**
 * The event-log filter equal to the catalogue's visibility rule for a reader: the types its role
 * may receive and, for zone-scoped readers, their zones. Used by history, unread counts and acks
 * (the live stream applies the same rule per event in the hub).
 */
export function visibleTo(reader: { role: Role; zones: readonly string[] | null }): EventQuery {
  const types = EVENT_TYPES.filter((t) => roleAtLeast(reader.role, EVENT_CATALOGUE[t].minRole));
  const zones = reader.role !== 'admin' && reader.zones ? reader.zones : undefined;
  return { types, ...(zones ? { zones } : {}) };
}
