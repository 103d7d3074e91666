/**
 * Event payloads in the shape the old frontends read. The catalogue's payloads are new
 * (`{zone, before, after}` for a zone change); the old UI read flat fields: a zone's
 * `data.name` (or `data.zone_name`), a record's `data.name` (or `data.record_name`) and
 * `data.type`, a forwarder's `data.new_status` and `data.forwarder_id`, a threat's
 * `data.threat_type`, BIND's `data.bind9_running` … This module derives those fields from the
 * catalogue's own payload for the events the old UI handled, and is the one place the legacy
 * wires translate event data.
 *
 * Contract: the derived fields are added beside the catalogue's fields, never instead of them
 * (a catalogue field of the same name wins), so a reader of the new shape on a legacy wire loses
 * nothing. The input is the payload as delivered, already redacted: fields are read defensively
 * (a redacted value is copied as the marker it became). Events without a rule pass through
 * unchanged.
 */
import type { EventDataOf, EventType } from '../catalogue.js';

type Fields = Record<string, unknown>;
/** What a rule may read of the event besides its data (the envelope's id and time). */
export interface LegacyEventContext {
  id: string;
  ts: string;
}
type Derive<T extends EventType> = (
  data: EventDataOf<T>,
  event: LegacyEventContext | undefined,
) => Fields;
type DeriveTable = { [T in EventType]?: Derive<T> };

type Action = 'create' | 'update' | 'delete';

/** The object the change is about: the state after it, or before it for a delete. */
function subject<S>(data: { before: S | null; after: S | null }): S | null {
  return data.after ?? data.before;
}

function zoneFields(action: Action) {
  return (data: EventDataOf<'zone_created' | 'zone_updated' | 'zone_deleted'>): Fields => {
    const zone = subject(data);
    return {
      name: zone?.name ?? data.zone,
      zone_name: data.zone,
      ...(zone ? { zone_type: zone.type, serial: zone.serial } : {}),
      action,
    };
  };
}

function recordFields(action: Action) {
  return (data: EventDataOf<'record_created' | 'record_updated' | 'record_deleted'>): Fields => {
    const record = subject(data);
    return {
      ...(record
        ? {
            name: record.name,
            type: record.type,
            value: record.value,
            ttl: record.ttl,
            record_name: record.name,
            record_type: record.type,
            record_value: record.value,
          }
        : {}),
      record_id: data.recordId,
      zone_name: data.zone,
      action,
    };
  };
}

/** The old backend's forwarder states: `healthy`, `degraded`, `unhealthy` (ours say `down`). */
function legacyHealthStatus(state: string): string {
  return state === 'down' ? 'unhealthy' : state;
}

/**
 * `health_update` as the old backend's forwarder health summary (what its HealthMonitoring
 * context stores whole and renders: counts per state, `last_updated`, `forwarder_details`). A
 * catalogue forwarder is one probed address, so it counts as one server that is healthy unless
 * it is down; every forwarder listed is active and health-checked (unchecked ones are not listed).
 */
function healthSummaryFields(data: EventDataOf<'health_update'>): Fields {
  const details = data.forwarders.map((f) => {
    const status = legacyHealthStatus(f.status);
    return {
      id: f.id,
      name: f.name,
      type: 'forwarder',
      is_active: true,
      health_check_enabled: true,
      status,
      healthy_servers: status === 'unhealthy' ? 0 : 1,
      total_servers: 1,
      last_checked: f.lastCheckedAt,
    };
  });
  const count = (status: string) => details.filter((d) => d.status === status).length;
  return {
    total_forwarders: details.length,
    active_forwarders: details.length,
    health_check_enabled: details.length,
    healthy_forwarders: count('healthy'),
    unhealthy_forwarders: count('unhealthy'),
    degraded_forwarders: count('degraded'),
    unknown_forwarders: 0,
    last_updated: data.checkedAt,
    forwarder_details: details,
  };
}

/**
 * `health_alert` as the old backend's alert object (what its HealthMonitoring context prepends to
 * its list and acknowledges by `id`). The old `level` knew only `warning` and `critical`; an `info`
 * alert (e.g. a recovery) reads as `warning`. The catalogue alert names no forwarder, so
 * `forwarder_id`/`forwarder_name` are absent, as on the old performance alerts.
 */
function healthAlertFields(
  data: EventDataOf<'health_alert'>,
  event: LegacyEventContext | undefined,
): Fields {
  const id = data.alertId ?? event?.id;
  return {
    ...(id !== undefined ? { id } : {}),
    type: data.metric !== undefined ? 'performance' : 'health_status',
    level: data.severity === 'critical' ? 'critical' : 'warning',
    details: {
      source: data.source,
      ...(data.metric !== undefined ? { metric: data.metric } : {}),
      ...(data.value !== undefined ? { value: data.value } : {}),
      ...(data.threshold !== undefined ? { threshold: data.threshold } : {}),
      ...(data.resolved !== undefined ? { resolved: data.resolved } : {}),
    },
    ...(event ? { created_at: event.ts } : {}),
    acknowledged: false,
  };
}

const DERIVE: DeriveTable = {
  zone_created: zoneFields('create'),
  zone_updated: zoneFields('update'),
  zone_deleted: zoneFields('delete'),
  record_created: recordFields('create'),
  record_updated: recordFields('update'),
  record_deleted: recordFields('delete'),
  forwarder_status_change: (d) => ({
    forwarder_id: d.forwarderId,
    forwarder_name: d.name,
    old_status: d.from === null ? 'unknown' : legacyHealthStatus(d.from),
    new_status: legacyHealthStatus(d.to),
  }),
  health_update: healthSummaryFields,
  health_alert: healthAlertFields,
  threat_detected: (d) => ({
    threat_type: d.category,
    domain: d.qname,
    client_ip: d.clientIp,
  }),
  system_status: (d) => {
    // The old backend reported BIND as a flag; only a BIND component known to the snapshot says
    // anything about it (the old UI alarms on `false`, so absence must not read as down).
    const bind = d.components.find((c) => c.name === 'bind' || c.name === 'bind9');
    return bind ? { bind9_running: bind.status !== 'down' } : {};
  },
};

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The event types whose legacy payload gains derived fields (for the docs and tests). */
export const LEGACY_DERIVED_EVENTS = Object.keys(DERIVE) as EventType[];

/**
 * `data` of a `type` event as legacy clients receive it: the catalogue payload plus the fields
 * the old UI read. `event` (the envelope's id and time) fills the fields the old payloads carried
 * about the event itself (an alert's `id` and `created_at`); without it they are left out. Never throws: a payload that does not have the shape the rule reads (it
 * cannot, once validated by the publisher, but redaction may have replaced parts) is passed
 * through unchanged.
 */
export function toLegacyEventData(
  type: EventType,
  data: unknown,
  event?: LegacyEventContext,
): unknown {
  const derive = DERIVE[type] as
    ((d: unknown, e: LegacyEventContext | undefined) => Fields) | undefined;
  if (!derive || !isObject(data)) return data;
  let derived: Fields;
  try {
    derived = derive(data, event);
  } catch {
    return data;
  }
  return { ...derived, ...data };
}
