import { describe, expect, it } from 'vitest';
import { EXAMPLE_EVENTS, type EventFrameUnion, type EventType } from '@hdns/protocol';
import { formatEvent, genericSummary, oneLine, utcSecond } from './event-format.js';
import { reconnectingLine } from './live-connection.js';
import { formatQuery, matchesQuery } from './query-format.js';

function event(type: EventType, data: unknown, actor?: string): EventFrameUnion {
  return {
    type: 'event',
    id: 'e1',
    seq: 1,
    event: type,
    category: 'dns',
    priority: 'normal',
    ts: '2026-11-22T12:34:05.678Z',
    data,
    meta: actor ? { actor: { id: 'u1', username: actor } } : { actor: null },
  } as EventFrameUnion;
}

describe('formatEvent', () => {
  it('prints one readable line per type with time, type, summary and actor', () => {
    expect(formatEvent(event('zone_created', EXAMPLE_EVENTS.zone_created, 'admin'))).toBe(
      `2026-11-22T12:34:05Z zone_created ${EXAMPLE_EVENTS.zone_created.zone} (${EXAMPLE_EVENTS.zone_created.after.type}) by admin`,
    );
    const r = EXAMPLE_EVENTS.record_updated;
    expect(formatEvent(event('record_updated', r, 'alice'))).toBe(
      `2026-11-22T12:34:05Z record_updated ${r.zone}: ${r.before.name} ${r.before.type} ${r.before.value} → ${r.after.value} (serial ${r.serial}) by alice`,
    );
    expect(
      formatEvent(
        event('admin_broadcast', {
          ...EXAMPLE_EVENTS.admin_broadcast,
          level: 'warning',
          title: 'Maint',
          message: 'at\n22:00',
        }),
      ),
    ).toBe('2026-11-22T12:34:05Z admin_broadcast [warning] Maint: at 22:00');
  });

  it('has a summary for every catalogue example', () => {
    for (const [type, data] of Object.entries(EXAMPLE_EVENTS)) {
      const line = formatEvent(event(type as EventType, data));
      expect(line).toMatch(new RegExp(`^2026-11-22T12:34:05Z ${type} \\S`));
      expect(line).not.toContain('undefined');
    }
  });

  it('falls back to scalar key=value pairs for payloads it cannot summarize', () => {
    expect(genericSummary({ a: 1, b: 'x', nested: { c: 2 }, list: [1], n: null })).toBe('a=1 b=x');
    expect(formatEvent(event('zone_deleted', { unexpected: true }))).toBe(
      '2026-11-22T12:34:05Z zone_deleted unexpected=true',
    );
  });

  it('keeps lines single and bounded', () => {
    expect(oneLine('a\r\nb\tc')).toBe('a b c');
    expect(oneLine('x'.repeat(1000))).toHaveLength(400);
    expect(utcSecond('not a time')).toBe('not a time');
  });
});

describe('threat_detected lines', () => {
  const flood = {
    ...EXAMPLE_EVENTS.threat_detected,
    clientIp: '192.0.2.7',
    action: 'passthru',
    category: 'custom',
    detection: {
      kind: 'nxdomain_flood',
      severity: 'warning',
      count: 420,
      threshold: 300,
      windowSec: 60,
    },
  };
  it('prints an RPZ hit with its action and rule, and a detection as what was seen', () => {
    expect(formatEvent(event('threat_detected', EXAMPLE_EVENTS.threat_detected))).toBe(
      '2026-11-22T12:34:05Z threat_detected 10.0.0.23 malware.example.net A → nxdomain (malware, rule malware.example.net.rpz.local)',
    );
    expect(formatEvent(event('threat_detected', flood))).toBe(
      '2026-11-22T12:34:05Z threat_detected [warning] NXDOMAIN flood from 192.0.2.7: 420/min (threshold 300)',
    );
    const random = {
      ...flood,
      qname: 'x1.example.com',
      detection: {
        kind: 'random_subdomain',
        severity: 'critical',
        count: 250,
        threshold: 200,
        windowSec: 30,
        baseDomain: 'example.com',
        clients: [{ ip: '192.0.2.8', count: 200 }],
      },
    };
    expect(formatEvent(event('threat_detected', random))).toBe(
      '2026-11-22T12:34:05Z threat_detected [critical] Random subdomains under example.com: 250 names in 30 s (threshold 200) clients=192.0.2.8',
    );
  });
});

describe('query lines', () => {
  const q = {
    ...EXAMPLE_EVENTS.dns_query_log,
    clientIp: '192.0.2.7',
    qname: 'www.example.com',
    qtype: 'A',
    flags: '+E(0)K',
    blocked: false,
    ts: '2026-11-22T12:34:05.123Z',
  };

  it('formats like the query log', () => {
    expect(formatQuery(q)).toBe('12:34:05 192.0.2.7 www.example.com A +E(0)K');
    expect(formatQuery({ ...q, clientIp: '[redacted]', blocked: true })).toBe(
      '12:34:05 [redacted] www.example.com A +E(0)K BLOCKED',
    );
  });

  it('matches a domain and the names below it, and a client exactly', () => {
    expect(matchesQuery(q, { domain: 'example.com' })).toBe(true);
    expect(matchesQuery(q, { domain: 'EXAMPLE.com.' })).toBe(true);
    expect(matchesQuery({ ...q, qname: 'example.com.' }, { domain: 'example.com' })).toBe(true);
    expect(matchesQuery({ ...q, qname: 'badexample.com' }, { domain: 'example.com' })).toBe(false);
    expect(matchesQuery(q, { client: '192.0.2.7', domain: 'www.example.com' })).toBe(true);
    expect(matchesQuery(q, { client: '192.0.2.70' })).toBe(false);
  });
});

describe('reconnectingLine', () => {
  it('says which attempt and when the next try is', () => {
    expect(
      reconnectingLine(
        { state: 'reconnecting', reason: 'connection_closed', attempt: 2, nextRetryAt: 3_400 },
        1_000,
      ),
    ).toBe('reconnecting (attempt 2, next try in 2.4s)… [connection closed]');
    expect(reconnectingLine({ state: 'reconnecting', reason: 'retry', attempt: 3 }, 0)).toBe(
      'reconnecting (attempt 3)…',
    );
  });
});
