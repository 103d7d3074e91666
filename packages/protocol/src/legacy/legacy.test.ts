import { describe, expect, it } from 'vitest';
import { EXAMPLE_EVENT_FRAME } from '../examples-frames.js';
import { EXAMPLE_EVENTS } from '../examples.js';
import { LEGACY_CLIENT_MESSAGE_TYPES, legacyPreset, parseLegacyMessage } from './legacy-client.js';
import {
  legacyConnectionEstablished1,
  legacyConnectionEstablished2,
  legacyConnectionEstablishedGen1,
  legacyConnectionEstablishedGen2,
  legacyErrorMessage,
  legacyEventGen1,
  legacyEventGen2,
  legacySubscriptionUpdated,
  legacySubscriptionUpdatedMessage,
  legacyValidationError,
  legacyValidationErrorMessage,
  toLegacyEvent,
} from './legacy-server.js';

const NOW = '2025-01-15T10:30:00.000Z';

describe('legacy client messages', () => {
  it('knows every generation-1 and generation-2 message name', () => {
    expect([...LEGACY_CLIENT_MESSAGE_TYPES].sort()).toEqual(
      [
        'subscribe_events',
        'unsubscribe_events',
        'subscribe_category',
        'get_subscription_info',
        'get_connection_status',
        'health_check',
        'get_connection_stats',
        'disconnect_user',
        'broadcast_admin_message',
        'ping',
        'pong',
        'subscribe',
        'unsubscribe',
        'get_stats',
      ].sort(),
    );
  });

  it.each([
    ['{"type":"ping"}', 'ping'],
    ['{"type":"subscribe_events","data":{"event_types":["zone_created"]}}', 'subscribe_events'],
    ['{"type":"subscribe","data":{"event_types":["health_update"]}}', 'subscribe'],
    ['{"type":"unsubscribe","data":{"event_types":[]}}', 'unsubscribe'],
    ['{"type":"subscribe_category","data":{"category":"dns"}}', 'subscribe_category'],
    ['{"type":"get_subscription_info","data":{}}', 'get_subscription_info'],
    ['{"type":"disconnect_user","data":{"user_id":42,"reason":"bye"}}', 'disconnect_user'],
    [
      '{"type":"broadcast_admin_message","data":{"message":"hi","priority":"high"}}',
      'broadcast_admin_message',
    ],
    ['{"type":"get_stats","timestamp":"2025-01-01T00:00:00Z"}', 'get_stats'],
    // As the old frontends shipped: the list at the top level, `ping` with an empty `data`.
    ['{"type":"subscribe","events":["health_update"]}', 'subscribe'],
    ['{"type":"subscribe","event_types":["zone_created"]}', 'subscribe'],
    ['{"type":"unsubscribe","event_types":["zone_created"]}', 'unsubscribe'],
    ['{"type":"ping","data":{}}', 'ping'],
  ])('parses %s', (raw, type) => {
    const r = parseLegacyMessage(raw);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.message.type).toBe(type);
  });

  it.each([
    ['not json', 'BAD_JSON'],
    ['[]', 'BAD_FRAME'],
    ['{"type":"subscribe_events"}', 'BAD_FRAME'],
    ['{"type":"subscribe_events","data":{"event_types":"zone_created"}}', 'BAD_FRAME'],
    ['{"type":"disconnect_user","data":{}}', 'BAD_FRAME'],
    ['{"type":"hello","id":"h","protocol":1}', 'UNKNOWN_FRAME_TYPE'],
    ['{"__proto__":{"polluted":1},"type":"ping"}', undefined],
  ])('refuses %s without throwing', (raw, code) => {
    const r = parseLegacyMessage(raw);
    if (code === undefined) expect(r.ok).toBe(true);
    else expect(r).toMatchObject({ ok: false, code });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('legacy server messages', () => {
  it('projects event frames into both legacy event shapes', () => {
    const gen1 = toLegacyEvent(EXAMPLE_EVENT_FRAME, 1);
    const after = EXAMPLE_EVENT_FRAME.data.after;
    expect(gen1).toEqual({
      type: 'record_updated',
      // The catalogue payload, plus the flat fields the old UI reads.
      data: {
        ...EXAMPLE_EVENT_FRAME.data,
        name: after.name,
        type: after.type,
        value: after.value,
        ttl: after.ttl,
        record_name: after.name,
        record_type: after.type,
        record_value: after.value,
        record_id: EXAMPLE_EVENT_FRAME.data.recordId,
        zone_name: EXAMPLE_EVENT_FRAME.data.zone,
        action: 'update',
      },
      timestamp: EXAMPLE_EVENT_FRAME.ts,
      // The old backend's envelope fields: a record change has no severity of its own.
      severity: 'info',
      category: EXAMPLE_EVENT_FRAME.category,
      event_id: EXAMPLE_EVENT_FRAME.id,
    });
    expect(legacyEventGen1.safeParse(gen1).success).toBe(true);
    const alert = toLegacyEvent(
      {
        ...EXAMPLE_EVENT_FRAME,
        event: 'health_alert',
        category: 'health',
        data: { ...EXAMPLE_EVENTS.health_alert, severity: 'critical' },
      },
      1,
    );
    // What the old WebSocketContext tests for its critical toast.
    expect(alert.type === 'health_alert' && alert.severity === 'critical').toBe(true);
    expect(alert.category).toBe('health');
    expect(legacyEventGen1.safeParse(alert).success).toBe(true);
    const gen2 = toLegacyEvent(EXAMPLE_EVENT_FRAME, 2);
    expect(gen2).toMatchObject({
      id: EXAMPLE_EVENT_FRAME.id,
      type: 'record_updated',
      priority: 'normal',
      metadata: {
        seq: 1042,
        category: 'dns',
        zone: 'example.com',
        user_id: 'usr_1',
        username: 'admin',
      },
    });
    expect(legacyEventGen2.safeParse(gen2).success).toBe(true);
  });

  it('builders produce the documented shapes', () => {
    const c1 = legacyConnectionEstablished1('security', legacyPreset('security'), NOW);
    expect(c1).toEqual({
      type: 'connection_established',
      data: {
        connection_type: 'security',
        subscribed_events: ['security_alert', 'rpz_update', 'threat_detected'],
      },
      timestamp: NOW,
    });
    expect(legacyConnectionEstablishedGen1.safeParse(c1).success).toBe(true);
    const c2 = legacyConnectionEstablished2(
      { id: 7, username: 'alice', isAdmin: false },
      ['dns'],
      NOW,
    );
    expect(legacyConnectionEstablishedGen2.safeParse(c2).success).toBe(true);
    expect(c2.data).toMatchObject({ user_id: 7, is_admin: false, connected_at: NOW });
    expect(
      legacySubscriptionUpdated.safeParse(
        legacySubscriptionUpdatedMessage(['dns'], ['bad: unknown'], NOW),
      ).success,
    ).toBe(true);
    expect(
      legacyValidationError.safeParse(legacyValidationErrorMessage('bad', ['x'], NOW)).success,
    ).toBe(true);
    expect(legacyErrorMessage('FORBIDDEN', 'no', NOW)).toEqual({
      type: 'error',
      data: { code: 'FORBIDDEN', message: 'no' },
      timestamp: NOW,
    });
  });
});
