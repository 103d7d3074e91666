import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventType } from '../catalogue.js';
import { EXAMPLE_EVENTS } from '../examples.js';
import { legacyEventTypes, parseLegacyMessage } from './legacy-client.js';
import { LEGACY_DERIVED_EVENTS, toLegacyEventData } from './legacy-event-data.js';
import { legacyReceives } from './legacy-own-events.js';

const asRecord = (v: unknown): Record<string, unknown> => v as Record<string, unknown>;

describe('toLegacyEventData', () => {
  it('gives zone events the name the old UI reads (data.name, data.zone_name)', () => {
    for (const type of ['zone_created', 'zone_updated', 'zone_deleted'] as const) {
      const data = EXAMPLE_EVENTS[type];
      const legacy = asRecord(toLegacyEventData(type, data));
      const zone = data.after ?? data.before;
      expect(legacy.name).toBe(zone?.name);
      expect(legacy.zone_name).toBe(data.zone);
      expect(legacy.zone_type).toBe(zone?.type);
    }
  });

  it('gives record events data.name and data.type (and the record_* spellings)', () => {
    for (const type of ['record_created', 'record_updated', 'record_deleted'] as const) {
      const data = EXAMPLE_EVENTS[type];
      const legacy = asRecord(toLegacyEventData(type, data));
      const record = data.after ?? data.before;
      expect([legacy.name, legacy.type]).toEqual([record?.name, record?.type]);
      expect([legacy.record_name, legacy.record_type]).toEqual([record?.name, record?.type]);
      expect(legacy.zone_name).toBe(data.zone);
    }
  });

  it('keeps every catalogue field of every event unchanged', () => {
    for (const type of EVENT_TYPES) {
      const data = EXAMPLE_EVENTS[type];
      expect(toLegacyEventData(type, data)).toMatchObject(asRecord(data));
    }
  });

  it('passes events without a rule, and payloads it cannot read, through unchanged', () => {
    const plain = EVENT_TYPES.filter((t) => !LEGACY_DERIVED_EVENTS.includes(t));
    expect(plain.length).toBeGreaterThan(0);
    for (const type of plain) {
      expect(toLegacyEventData(type, EXAMPLE_EVENTS[type])).toBe(EXAMPLE_EVENTS[type]);
    }
    expect(toLegacyEventData('zone_created', null)).toBeNull();
    expect(toLegacyEventData('system_status', { overall: 'healthy' })).toEqual({
      overall: 'healthy',
    });
  });

  it('reports bind9_running only when the snapshot knows BIND', () => {
    const status = EXAMPLE_EVENTS.system_status;
    const down = {
      ...status,
      components: status.components.map((c) =>
        c.name === 'bind' ? { ...c, status: 'down' as const } : c,
      ),
    };
    expect(asRecord(toLegacyEventData('system_status', status)).bind9_running).toBe(true);
    expect(asRecord(toLegacyEventData('system_status', down)).bind9_running).toBe(false);
    const unknown = { ...status, components: [] };
    expect(asRecord(toLegacyEventData('system_status', unknown))).not.toHaveProperty(
      'bind9_running',
    );
  });
});

describe('toLegacyEventData: health, as the old HealthMonitoring context reads it', () => {
  it('gives health_update the forwarder health summary (counts, last_updated, forwarder_details)', () => {
    const data = EXAMPLE_EVENTS.health_update;
    const legacy = asRecord(toLegacyEventData('health_update', data));
    const states = data.forwarders.map((f) => f.status);
    const n = (s: string) => states.filter((x) => x === s).length;
    expect(legacy).toMatchObject({
      total_forwarders: data.forwarders.length,
      healthy_forwarders: n('healthy'),
      degraded_forwarders: n('degraded'),
      // The old backend said `unhealthy` where the catalogue says `down`.
      unhealthy_forwarders: n('down'),
      last_updated: data.checkedAt,
    });
    expect(n('down')).toBeGreaterThan(0);
    const details = legacy.forwarder_details as Record<string, unknown>[];
    expect(details.map((d) => [d.id, d.name, d.status, d.last_checked])).toEqual(
      data.forwarders.map((f) => [
        f.id,
        f.name,
        f.status === 'down' ? 'unhealthy' : f.status,
        f.lastCheckedAt,
      ]),
    );
    // forwarder_status_change names the same forwarder id and status vocabulary, so the old
    // UPDATE_FORWARDER_STATUS finds the detail row it changes.
    const change = asRecord(
      toLegacyEventData('forwarder_status_change', EXAMPLE_EVENTS.forwarder_status_change),
    );
    const row = details.find((d) => d.id === change.forwarder_id);
    expect(row?.status).toBe(change.new_status);
  });

  it('gives health_alert the old alert fields: id, level, type, message, details, created_at', () => {
    const data = EXAMPLE_EVENTS.health_alert;
    const event = { id: 'evt_9', ts: '2026-01-02T03:04:05.000Z' };
    expect(toLegacyEventData('health_alert', data, event)).toMatchObject({
      id: data.alertId,
      level: 'warning',
      type: 'performance',
      message: data.message,
      details: { source: data.source, metric: data.metric, threshold: data.threshold },
      created_at: event.ts,
      acknowledged: false,
    });
    const critical = { severity: 'critical', source: 'bind', message: 'BIND is down' };
    expect(toLegacyEventData('health_alert', critical, event)).toMatchObject({
      // No alertId: the event id still lets the old UI acknowledge it.
      id: event.id,
      level: 'critical',
      type: 'health_status',
    });
    expect(asRecord(toLegacyEventData('health_alert', critical))).not.toHaveProperty('id');
  });
});

describe('legacyReceives', () => {
  it('delivers session_expired only about the own user; other events as the role allows', () => {
    // Not naming a session (e.g. the user was disabled): every socket of the user.
    const { sessionId: _named, ...expired } = EXAMPLE_EVENTS.session_expired;
    expect(legacyReceives('session_expired', expired, expired.userId)).toBe(true);
    expect(legacyReceives('session_expired', expired, `${expired.userId}-other`)).toBe(false);
    expect(legacyReceives('session_expired', null, expired.userId)).toBe(false);
    // Naming one login session (or API token), it reaches only the sockets of that credential.
    const ended = { ...expired, sessionId: 'ses_1' };
    expect(legacyReceives('session_expired', ended, expired.userId, 'ses_1')).toBe(true);
    expect(legacyReceives('session_expired', ended, expired.userId, 'ses_2')).toBe(false);
    expect(legacyReceives('session_expired', ended, expired.userId)).toBe(false);
    const byToken = { ...expired, apiTokenId: 'tok_1' };
    expect(legacyReceives('session_expired', byToken, expired.userId, 'tok_1')).toBe(true);
    expect(legacyReceives('session_expired', byToken, expired.userId, 'ses_1')).toBe(false);
    const login: EventType = 'user_login';
    expect(legacyReceives(login, EXAMPLE_EVENTS.user_login, 'someone-else')).toBe(true);
  });
});

describe('legacyEventTypes', () => {
  it.each([
    ['{"type":"subscribe","events":["a"]}', ['a']],
    ['{"type":"subscribe","event_types":["b"]}', ['b']],
    ['{"type":"subscribe_events","data":{"event_types":["c"]}}', ['c']],
    ['{"type":"unsubscribe","data":{"event_types":["d"]},"events":["x"]}', ['d']],
  ])('%s names %j', (raw, types) => {
    const r = parseLegacyMessage(raw);
    if (!r.ok) throw new Error(r.message);
    if (
      r.message.type !== 'subscribe' &&
      r.message.type !== 'unsubscribe' &&
      r.message.type !== 'subscribe_events'
    )
      throw new Error('not a subscription message');
    expect(legacyEventTypes(r.message)).toEqual(types);
  });
});
