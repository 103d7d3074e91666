import type { z } from 'zod';
import type { Category, Priority } from '../categories.js';
import type { Role } from '../roles.js';

/**
 * One catalogue entry: everything the hub, the client and the docs need to know about an event
 * type. The entry is data, not behaviour, so it can be rendered into docs and checked by tests.
 */
export interface EventSpec<S extends z.ZodObject = z.ZodObject> {
  readonly category: Category;
  /** Default priority; a publisher may raise it for one event (e.g. a critical health_alert). */
  readonly priority: Priority;
  /** Least role that may receive the event at all. */
  readonly minRole: Role;
  /**
   * Redactable fields: path into `data` → least role that sees the value. Readers below it get
   * the `REDACTED` marker instead. Path syntax: dot-separated property names; a segment ending
   * in `[]` steps into every element of an array (`topClients[].ip`). The field must be a string
   * (optionally nullable/optional) so the redacted payload still matches the schema.
   */
  readonly sensitive: Readonly<Record<string, Role>>;
  /**
   * String fields every reader of the event receives verbatim, in the same path syntax: DNS data
   * and text written for readers (zone and record names and values, forwarder addresses, query
   * names, zone descriptions, broadcast text). Every other string field that is not sensitive is
   * free text: readers below `operator` receive it with IP addresses, credentials and hidden
   * values replaced (text-scrub.ts). Absent means none.
   */
  readonly verbatim?: readonly string[];
  /**
   * Present only for latest-value events. The `data` fields whose values form the coalesce key:
   * under pressure a queued event is replaced by a newer one with the same type and key.
   * `[]` means one per event type.
   */
  readonly coalesceBy?: readonly string[];
  /**
   * True when `data.zone` names the zone the event concerns: readers with zone grants receive it
   * only for granted zones. `zone: null` means server-wide and passes the zone check.
   */
  readonly zoneScoped: boolean;
  /**
   * True for traffic events: ones DNS clients cause at will (the query log, RPZ hits), at up
   * to hundreds a second. The event log keeps them in a retention pool of their own, so they
   * never push zone, security or user history out. Absent means false.
   */
  readonly traffic?: true;
  readonly description: string;
  readonly schema: S;
}

/** Identity with inference: keeps the concrete schema type so `EventDataOf<T>` is precise. */
export function defineEvent<S extends z.ZodObject>(spec: EventSpec<S>): EventSpec<S> {
  return spec;
}
