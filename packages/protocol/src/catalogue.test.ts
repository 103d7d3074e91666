import { describe, expect, it } from 'vitest';
import { CATEGORIES, PRIORITIES, comparePriority, isCategory, priorityRank } from './categories.js';
import {
  EVENT_CATALOGUE,
  EVENT_TYPES,
  eventSpec,
  isEventType,
  parseEventData,
  resolveSubscriptionItem,
  typesInCategory,
} from './catalogue.js';
import { EXAMPLE_EVENTS } from './examples.js';
import { LEGACY_CONNECTION_TYPES, LEGACY_EVENT_NAMES, legacyPreset } from './legacy/index.js';
import { REDACTED, redactEventData } from './redaction.js';
import { isRole, ROLES } from './roles.js';
import { describeType, schemaAtPath, shapeOf, unwrap } from './schema-describe.js';

const REQUIRED_TYPES = [
  'zone_created',
  'zone_updated',
  'zone_deleted',
  'record_created',
  'record_updated',
  'record_deleted',
  'bulk_operation_progress',
  'bulk_operation_complete',
  'security_alert',
  'threat_detected',
  'rpz_update',
  'health_update',
  'health_alert',
  'forwarder_status_change',
  'system_status',
  'system_metrics',
  'bind_reload',
  'dnssec_key_change',
  'zone_transfer',
  'zone_sync',
  'secondary_status',
  'bind_status',
  'config_change',
  'dns_query_log',
  'query_stats',
  'user_login',
  'user_logout',
  'session_expired',
  'permission_changed',
  'admin_broadcast',
];

describe('event catalogue invariants', () => {
  it('holds exactly the required event types, unique and snake_case', () => {
    expect([...EVENT_TYPES].sort()).toEqual([...REQUIRED_TYPES].sort());
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
    for (const t of EVENT_TYPES) expect(t).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it.each(EVENT_TYPES)('%s has a well-formed entry', (type) => {
    const spec = eventSpec(type);
    expect(isCategory(spec.category)).toBe(true);
    expect(PRIORITIES).toContain(spec.priority);
    expect(isRole(spec.minRole)).toBe(true);
    expect(spec.description.length).toBeGreaterThan(10);
    expect(shapeOf(spec.schema)).toBeDefined();
    for (const role of Object.values(spec.sensitive)) expect(ROLES).toContain(role);
  });

  it.each(EVENT_TYPES)('%s: sensitive paths exist and are string fields', (type) => {
    const spec = EVENT_CATALOGUE[type];
    for (const path of Object.keys(spec.sensitive)) {
      const field = schemaAtPath(spec.schema, path);
      expect(field, `${type}.${path}`).toBeDefined();
      expect(describeType(unwrap(field!).inner), `${type}.${path}`).toBe('string');
    }
  });

  it.each(EVENT_TYPES)('%s: coalesce fields exist; zoneScoped matches a zone field', (type) => {
    const spec = EVENT_CATALOGUE[type];
    const shape = shapeOf(spec.schema)!;
    for (const field of spec.coalesceBy ?? []) expect(Object.hasOwn(shape, field)).toBe(true);
    expect(Object.hasOwn(shape, 'zone')).toBe(spec.zoneScoped);
  });

  it.each(EVENT_TYPES)('%s: the example parses, also redacted for every role', (type) => {
    const example = EXAMPLE_EVENTS[type];
    const parsed = parseEventData(type, example);
    expect(parsed).toEqual({ ok: true, data: example });
    for (const role of ROLES) {
      const { data } = redactEventData(type, example, role);
      expect(parseEventData(type, data).ok, `${type} as ${role}`).toBe(true);
    }
  });

  it('every category has at least one event and typesInCategory partitions the catalogue', () => {
    const all = CATEGORIES.flatMap((c) => {
      expect(typesInCategory(c).length, c).toBeGreaterThan(0);
      return typesInCategory(c);
    });
    expect([...all].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('legacy presets and legacy event names exist in the catalogue', () => {
    for (const t of LEGACY_CONNECTION_TYPES) {
      for (const e of legacyPreset(t)) expect(isEventType(e), `${t}: ${e}`).toBe(true);
    }
    expect(legacyPreset('admin')).toEqual(EVENT_TYPES);
    for (const name of LEGACY_EVENT_NAMES) expect(isEventType(name), name).toBe(true);
  });

  it('user events are admin-only, as in both legacy protocols', () => {
    for (const t of ['user_login', 'user_logout', 'session_expired'] as const) {
      expect(EVENT_CATALOGUE[t].minRole).toBe('admin');
    }
  });

  it('dns_query_log hides clientIp from viewers only', () => {
    const ex = EXAMPLE_EVENTS.dns_query_log;
    expect(redactEventData('dns_query_log', ex, 'viewer').data).toMatchObject({
      clientIp: REDACTED,
    });
    expect(redactEventData('dns_query_log', ex, 'operator').data).toBe(ex);
  });
});

describe('catalogue helpers', () => {
  it('isEventType rejects inherited and foreign names', () => {
    expect(isEventType('zone_created')).toBe(true);
    for (const v of ['toString', '__proto__', 'constructor', '', 'ZONE_CREATED', 1, null]) {
      expect(isEventType(v)).toBe(false);
    }
  });

  it('resolveSubscriptionItem expands *, categories and types', () => {
    expect(resolveSubscriptionItem('*')).toEqual(EVENT_TYPES);
    expect(resolveSubscriptionItem('bulk')).toEqual([
      'bulk_operation_progress',
      'bulk_operation_complete',
    ]);
    expect(resolveSubscriptionItem('rpz_update')).toEqual(['rpz_update']);
    expect(resolveSubscriptionItem('nope')).toBeUndefined();
    expect(resolveSubscriptionItem('hasOwnProperty')).toBeUndefined();
  });

  it('parseEventData reports bad payloads and unknown types without throwing', () => {
    const bad = parseEventData('zone_created', { zone: 'x', before: {}, after: null });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.code).toBe('BAD_FRAME');
    const unknownType = parseEventData('nope' as 'zone_created', {});
    expect(unknownType).toMatchObject({ ok: false, code: 'UNKNOWN_EVENT_TYPE' });
    expect(parseEventData('health_update', null).ok).toBe(false);
  });

  it('parseEventData strips unknown keys (forward compatible)', () => {
    const r = parseEventData('rpz_update', { action: 'bulk', count: 3, extra: 1 });
    expect(r).toEqual({ ok: true, data: { action: 'bulk', count: 3 } });
  });

  it('priorities rank critical first', () => {
    expect(PRIORITIES.map(priorityRank)).toEqual([0, 1, 2, 3]);
    expect(
      ['low', 'critical', 'normal', 'high'].sort((a, b) => comparePriority(a as 'low', b as 'low')),
    ).toEqual(['critical', 'high', 'normal', 'low']);
  });
});
