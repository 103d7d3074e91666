/**
 * `EventType.ZONE_CREATED === 'zone_created'`: the UPPER_SNAKE names the original dashboard's
 * hooks used, derived from the protocol catalogue (EVENT_TYPES), so no event name is written
 * twice. The type of the same name is the catalogue's union of event type strings.
 */
import { EVENT_TYPES, type EventType as CatalogueEventType } from '@hdns/protocol';

export type EventType = CatalogueEventType;

export type EventTypeConstants = { readonly [T in CatalogueEventType as Uppercase<T>]: T };

export const EventType: EventTypeConstants = Object.freeze(
  Object.fromEntries(EVENT_TYPES.map((t) => [t.toUpperCase(), t])),
) as EventTypeConstants;
