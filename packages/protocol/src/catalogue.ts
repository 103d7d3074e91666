/**
 * The event catalogue: one entry per event type, the only list of event types in the project.
 * Server, hub, client SDK, dashboard and docs all read it; nothing else enumerates event names.
 */
import type { z } from 'zod';
import { CATEGORIES, isCategory, type Category } from './categories.js';
import { BULK_EVENTS } from './event-schemas/bulk.js';
import { DNS_EVENTS } from './event-schemas/dns.js';
import { HEALTH_EVENTS } from './event-schemas/health.js';
import { QUERY_EVENTS } from './event-schemas/query.js';
import { REPLICATION_EVENTS } from './event-schemas/replication.js';
import { SECURITY_EVENTS } from './event-schemas/security.js';
import type { EventSpec } from './event-schemas/spec.js';
import { SYSTEM_EVENTS } from './event-schemas/system.js';
import { USER_EVENTS } from './event-schemas/user.js';

export type { EventSpec } from './event-schemas/spec.js';
export { MAX_BULK_ERRORS } from './event-schemas/bulk.js';
export { RPZ_ACTIONS, THREAT_CATEGORIES, THREAT_DETECTIONS } from './event-schemas/security.js';
export { SECONDARY_STATES } from './event-schemas/replication.js';
export type { RecordObject, ZoneObject } from './event-schemas/common.js';

/** Insertion order here is the documented order (docs, legacy "admin" preset). */
export const EVENT_CATALOGUE = {
  ...DNS_EVENTS,
  ...REPLICATION_EVENTS,
  ...BULK_EVENTS,
  ...SECURITY_EVENTS,
  ...HEALTH_EVENTS,
  ...SYSTEM_EVENTS,
  ...QUERY_EVENTS,
  ...USER_EVENTS,
} as const;

export type EventCatalogue = typeof EVENT_CATALOGUE;
export type EventType = keyof EventCatalogue;

/** Payload type of one event type, inferred from its schema. */
export type EventDataOf<T extends EventType> = z.infer<EventCatalogue[T]['schema']>;

/** Every event type; a non-empty tuple so it can feed `z.enum`. */
export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as [EventType, ...EventType[]];

// Compile-time guard: every entry is a well-formed EventSpec.
const _specs: Readonly<Record<EventType, EventSpec>> = EVENT_CATALOGUE;
void _specs;

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.hasOwn(EVENT_CATALOGUE, value);
}

export function eventSpec<T extends EventType>(type: T): EventCatalogue[T] {
  return EVENT_CATALOGUE[type];
}

const BY_CATEGORY = {} as Record<Category, readonly EventType[]>;
for (const c of CATEGORIES) {
  BY_CATEGORY[c] = EVENT_TYPES.filter((t) => EVENT_CATALOGUE[t].category === c);
}

export function typesInCategory(category: Category): readonly EventType[] {
  return BY_CATEGORY[category];
}

/**
 * The traffic events (`traffic: true` in the catalogue): the one list the event log's traffic
 * retention pool and the docs are built from.
 */
export const TRAFFIC_EVENT_TYPES: readonly EventType[] = EVENT_TYPES.filter(
  (t) => (EVENT_CATALOGUE[t] as EventSpec).traffic === true,
);

export function isTrafficEvent(type: EventType): boolean {
  return (EVENT_CATALOGUE[type] as EventSpec).traffic === true;
}

/** The subscription wildcard: every event type the reader may see. */
export const SUBSCRIBE_ALL = '*';

/**
 * Expands one subscription item (`'*'`, a category, or an event type) into event types, or
 * `undefined` when the item names nothing. Authorization is the hub's job, not this function's.
 */
export function resolveSubscriptionItem(item: string): readonly EventType[] | undefined {
  if (item === SUBSCRIBE_ALL) return EVENT_TYPES;
  if (isCategory(item)) return BY_CATEGORY[item];
  if (isEventType(item)) return [item];
  return undefined;
}

export type EventDataResult<T extends EventType> =
  | { ok: true; data: EventDataOf<T> }
  | { ok: false; code: 'UNKNOWN_EVENT_TYPE' | 'BAD_FRAME'; message: string };

/**
 * Validates an event payload against its schema. Never throws. Unknown keys are stripped, so the
 * returned data is a fresh object that holds only catalogued fields.
 */
export function parseEventData<T extends EventType>(type: T, data: unknown): EventDataResult<T> {
  if (!isEventType(type)) {
    return {
      ok: false,
      code: 'UNKNOWN_EVENT_TYPE',
      message: `Unknown event type: ${String(type)}`,
    };
  }
  const result = EVENT_CATALOGUE[type].schema.safeParse(data);
  if (result.success) return { ok: true, data: result.data as EventDataOf<T> };
  return { ok: false, code: 'BAD_FRAME', message: summarizeIssues(result.error.issues) };
}

/** Short, bounded, human-readable summary of zod issues (first three). */
export function summarizeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, 3).map((i) => {
    const path = i.path.map(String).join('.');
    return path ? `${path}: ${i.message}` : i.message;
  });
  if (issues.length > 3) parts.push(`(+${issues.length - 3} more)`);
  return parts.join('; ');
}
