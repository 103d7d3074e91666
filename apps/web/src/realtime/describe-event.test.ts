import { describe, expect, it } from 'vitest';
import type { EventMeta } from '@hdns/protocol';
import { describeEvent } from './describe-event';

const meta = {} as EventMeta;

describe('describeEvent: replication events', () => {
  it('names a transfer, its peer, serial and the failure reason', () => {
    expect(
      describeEvent({
        event: 'zone_transfer',
        meta,
        data: {
          zone: 'a.test',
          direction: 'out',
          peer: '192.0.2.2#53',
          kind: 'AXFR',
          success: true,
          serial: 7,
        },
      }),
    ).toBe('AXFR of a.test to 192.0.2.2#53 done (serial 7)');
    expect(
      describeEvent({
        event: 'zone_transfer',
        meta,
        data: {
          zone: 'b.test',
          direction: 'in',
          peer: '[redacted]',
          kind: 'IXFR',
          success: false,
          message: 'bad key',
        },
      }),
    ).toBe('IXFR of b.test from (redacted) failed: bad key');
  });

  it("says whether a zone's serials drifted", () => {
    expect(
      describeEvent({
        event: 'zone_sync',
        meta,
        data: {
          zone: 'a.test',
          dbSerial: 8,
          servedSerial: 7,
          secondaries: [],
          drift: true,
          checkedAt: '2026-01-01T00:00:00.000Z',
        },
      }),
    ).toBe('Zone a.test drifted: database 8, served 7');
  });

  it("gives a secondary's new and previous state and how many zones lag", () => {
    expect(
      describeEvent({
        event: 'secondary_status',
        meta,
        data: {
          secondaryId: 's1',
          name: 'ns2',
          address: '192.0.2.2#53',
          state: 'lagging',
          previous: 'in_sync',
          level: 'warning',
          laggingZones: ['a.test', 'b.test'],
          zoneCount: 3,
          checkedAt: '2026-01-01T00:00:00.000Z',
        },
      }),
    ).toBe('Secondary ns2 is lagging (was in sync): 2 zone(s) behind');
  });
});

describe('describeEvent: threat_detected', () => {
  const base = {
    clientIp: '192.0.2.7',
    qname: 'a1.example.com',
    qtype: 'A',
    action: 'passthru' as const,
    rule: 'detector',
    category: 'custom' as const,
    ts: '2026-01-01T00:00:00.000Z',
  };

  it('says an RPZ hit blocked the name', () => {
    expect(
      describeEvent({
        event: 'threat_detected',
        meta,
        data: { ...base, action: 'nxdomain', category: 'malware' },
      }),
    ).toBe('Blocked a1.example.com (malware) for 192.0.2.7');
  });

  it('says what a rule that does not block did (a redirect is not a block)', () => {
    const hit = (action: 'redirect' | 'passthru' | 'drop') =>
      describeEvent({ event: 'threat_detected', meta, data: { ...base, action, rule: 'r' } });
    expect(hit('redirect')).toBe('Redirected a1.example.com (custom) for 192.0.2.7');
    expect(hit('passthru')).toBe('Let through a1.example.com (custom) for 192.0.2.7');
    expect(hit('drop')).toBe('Dropped a1.example.com (custom) for 192.0.2.7');
  });

  it('describes a detection as what the detector saw, not as a block', () => {
    const detection = {
      kind: 'nxdomain_flood' as const,
      severity: 'warning' as const,
      count: 420,
      threshold: 300,
      windowSec: 60,
    };
    expect(describeEvent({ event: 'threat_detected', meta, data: { ...base, detection } })).toBe(
      'NXDOMAIN flood from 192.0.2.7: 420/min (threshold 300)',
    );
    expect(
      describeEvent({
        event: 'threat_detected',
        meta,
        data: { ...base, clientIp: '[redacted]', detection },
      }),
    ).toBe('NXDOMAIN flood from (redacted): 420/min (threshold 300)');
    expect(
      describeEvent({
        event: 'threat_detected',
        meta,
        data: {
          ...base,
          detection: {
            ...detection,
            kind: 'random_subdomain',
            count: 250,
            threshold: 200,
            baseDomain: 'example.com',
          },
        },
      }),
    ).toBe('Random subdomains under example.com: 250 names/min (threshold 200)');
  });
});
