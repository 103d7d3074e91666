import { describe, expect, it } from 'vitest';
import { EXAMPLE_EVENTS } from './examples.js';
import {
  REDACTED,
  canReceive,
  coalesceKeyOf,
  eventZone,
  hiddenPathsFor,
  redactEventData,
  redactionVariant,
  projectEvent,
  splitPath,
} from './redaction.js';

describe('redaction', () => {
  it('replaces array element fields with the [] path rule and never mutates the input', () => {
    const input = structuredClone(EXAMPLE_EVENTS.query_stats);
    const { data, redacted } = redactEventData('query_stats', input, 'viewer');
    expect(redacted).toEqual(['topClients[].ip']);
    expect(data).toMatchObject({
      topClients: [
        { ip: REDACTED, count: 900 },
        { ip: REDACTED, count: 512 },
      ],
      topDomains: input.topDomains,
    });
    expect(input).toEqual(EXAMPLE_EVENTS.query_stats);
  });

  it('returns the same reference when nothing is hidden for the role', () => {
    const ex = EXAMPLE_EVENTS.security_alert;
    expect(redactEventData('security_alert', ex, 'operator')).toEqual({ data: ex, redacted: [] });
    expect(redactEventData('security_alert', ex, 'operator').data).toBe(ex);
  });

  it('leaves null and absent values alone and does not list them', () => {
    const { clientIp: _omit, ...noIp } = EXAMPLE_EVENTS.security_alert;
    expect(redactEventData('security_alert', noIp, 'viewer')).toEqual({ data: noIp, redacted: [] });
    const withNull = { ...noIp, clientIp: null };
    expect(redactEventData('security_alert', withNull, 'viewer').redacted).toEqual([]);
  });

  it('fails closed on a mistyped sensitive value and tolerates non-object data', () => {
    const { data } = redactEventData('dns_query_log', { clientIp: { v4: '10.0.0.1' } }, 'viewer');
    expect(data).toEqual({ clientIp: REDACTED });
    expect(redactEventData('dns_query_log', 'garbage', 'viewer').data).toBe('garbage');
    expect(redactEventData('query_stats', { topClients: 'x' }, 'viewer').redacted).toEqual([]);
  });

  it('hides the ECS client subnet of a query from viewers, like the client address', () => {
    const r = redactEventData('dns_query_log', EXAMPLE_EVENTS.dns_query_log, 'viewer');
    expect(r.redacted).toEqual(['clientIp', 'ecs']);
    expect(r.data).toMatchObject({ clientIp: REDACTED, ecs: REDACTED, qname: 'www.example.com' });
    expect(redactEventData('dns_query_log', EXAMPLE_EVENTS.dns_query_log, 'operator').data).toBe(
      EXAMPLE_EVENTS.dns_query_log,
    );
  });

  it('hides nested paths (config_change before/after) from operators but not admins', () => {
    expect(hiddenPathsFor('config_change', 'operator')).toEqual(['before', 'after']);
    expect(hiddenPathsFor('config_change', 'admin')).toEqual([]);
    const r = redactEventData('config_change', EXAMPLE_EVENTS.config_change, 'operator');
    expect(r.data).toMatchObject({ scope: 'forwarders', before: REDACTED, after: REDACTED });
  });

  it('variants group roles that see the same projection', () => {
    expect(redactionVariant('zone_created', 'admin')).toBe('');
    // Viewers: free text scrubbed and the actor's username hidden; operators: the username.
    expect(redactionVariant('zone_created', 'viewer')).toBe('|text|actor');
    expect(redactionVariant('zone_created', 'operator')).toBe('|actor');
    expect(redactionVariant('dns_query_log', 'viewer')).toBe('clientIp,ecs|text|actor');
    expect(redactionVariant('config_change', 'operator')).toBe('before,after|actor');
    expect(redactionVariant('config_change', 'admin')).toBe('');
    // Without an actor, operators and admins share the projection of a monitor event.
    expect(redactionVariant('dns_query_log', 'operator', false)).toBe('');
    expect(redactionVariant('dns_query_log', 'viewer', false)).toBe('clientIp,ecs|text');
  });

  it('projectEvent hides the actor username below admin and scrubs it from free text', () => {
    const data = {
      ...EXAMPLE_EVENTS.security_alert,
      message: 'alice3 saw 203.0.113.9 use token=abc123def',
    };
    const meta = { actor: { id: 'u7', username: 'alice3' }, source: 'api' };
    const viewer = projectEvent('security_alert', data, meta, 'viewer');
    expect(viewer.meta).toEqual({ actor: { id: 'u7', username: REDACTED }, source: 'api' });
    expect(viewer.data).toMatchObject({
      clientIp: REDACTED,
      message: '****** saw [ip] use token=[secret]',
    });
    expect(viewer.redacted).toEqual(['clientIp', 'message']);
    const operator = projectEvent('security_alert', data, meta, 'operator');
    expect(operator.meta.actor?.username).toBe(REDACTED);
    expect(operator.data).toMatchObject({
      message: '****** saw 203.0.113.9 use token=abc123def',
    });
    const admin = projectEvent('security_alert', data, meta, 'admin');
    expect(admin.meta).toBe(meta);
    expect(admin.data).toBe(data);
    // The actor's username is hidden as a whole token only: a user named `com` does not garble
    // the domain names in the same message.
    const com = projectEvent(
      'security_alert',
      { ...EXAMPLE_EVENTS.security_alert, message: 'com removed zone x.com' },
      { actor: { id: 'u8', username: 'com' } },
      'operator',
    );
    expect(com.data).toMatchObject({ message: '*** removed zone x.com' });
    // Verbatim fields stay: a record's address is zone data.
    const record = projectEvent('record_created', EXAMPLE_EVENTS.record_created, {}, 'viewer');
    expect(record.data).toBe(EXAMPLE_EVENTS.record_created);
  });

  it('splitPath understands []', () => {
    expect(splitPath('a.b[].c')).toEqual([
      { name: 'a', each: false },
      { name: 'b', each: true },
      { name: 'c', each: false },
    ]);
  });
});

describe('coalesce keys', () => {
  it('is undefined for non-coalescing types, the type for [] and includes key fields', () => {
    expect(coalesceKeyOf('zone_created', EXAMPLE_EVENTS.zone_created)).toBeUndefined();
    expect(coalesceKeyOf('health_update', EXAMPLE_EVENTS.health_update)).toBe('health_update');
    const a = coalesceKeyOf('bulk_operation_progress', EXAMPLE_EVENTS.bulk_operation_progress);
    const b = coalesceKeyOf('bulk_operation_progress', {
      ...EXAMPLE_EVENTS.bulk_operation_progress,
      jobId: 'other',
    });
    expect(a).toBe('bulk_operation_progress:["job_91c2"]');
    expect(a).not.toBe(b);
    expect(coalesceKeyOf('query_stats', null)).toBe('query_stats:[null]');
  });
});

describe('zone rule', () => {
  const viewerOfExample = { role: 'viewer', zones: ['Example.com.'] } as const;

  it('zone-scoped events reach readers with a matching grant only', () => {
    expect(eventZone('zone_created', EXAMPLE_EVENTS.zone_created)).toBe('example.com');
    expect(eventZone('health_update', EXAMPLE_EVENTS.health_update)).toBeUndefined();
    expect(canReceive('zone_created', EXAMPLE_EVENTS.zone_created, viewerOfExample)).toBe(true);
    const other = { ...EXAMPLE_EVENTS.zone_created, zone: 'other.org' };
    expect(canReceive('zone_created', other, viewerOfExample)).toBe(false);
    expect(canReceive('zone_created', other, { role: 'admin', zones: [] })).toBe(true);
    expect(canReceive('zone_created', other, { role: 'viewer', zones: null })).toBe(true);
  });

  it('zone null is server-wide; minRole still applies', () => {
    const full = { ...EXAMPLE_EVENTS.bind_reload, zone: null };
    expect(canReceive('bind_reload', full, viewerOfExample)).toBe(true);
    expect(
      canReceive('user_login', EXAMPLE_EVENTS.user_login, { role: 'operator', zones: null }),
    ).toBe(false);
    expect(
      canReceive(
        'bulk_operation_progress',
        EXAMPLE_EVENTS.bulk_operation_progress,
        viewerOfExample,
      ),
    ).toBe(false);
  });
});
