import { parseEventData, redactEventData, REDACTED } from '@hdns/protocol';
import { describe, expect, it } from 'vitest';
import type { DetectorEvent } from './detector-events.js';
import { answeredQuery } from '../queries/query-facts-fixture.js';
import { RandomSubdomainDetector } from './random-subdomain-detector.js';

const nx = (qname: string, clientIp = '10.0.0.1') =>
  answeredQuery({ qname, clientIp, rcode: 'NXDOMAIN', qtype: 'AAAA' });

function setup(perMinute: number, extra: { maxDomains?: number; maxNames?: number } = {}) {
  const clock = { now: 2_000_000 };
  const events: DetectorEvent[] = [];
  const d = new RandomSubdomainDetector({ perMinute, now: () => clock.now, ...extra }, (e) =>
    events.push(e),
  );
  return { clock, events, d };
}

describe('RandomSubdomainDetector', () => {
  it('raises when distinct NXDOMAIN names under one registered domain reach the threshold', () => {
    const { events, d } = setup(20);
    // Repeats of one name are one name; other rcodes and other domains do not count.
    for (let i = 0; i < 50; i++) d.record(nx('same.victim.co.uk'));
    for (let i = 0; i < 50; i++) d.record(answeredQuery({ qname: `n${i}.victim.co.uk` }));
    for (let i = 0; i < 18; i++) d.record(nx(`r${i}.elsewhere.test`));
    // Names at several depths count under the registrable domain (PSL: co.uk is a suffix).
    for (let i = 0; i < 18; i++)
      d.record(nx(`x${i}.${i % 2 ? 'deep.' : ''}victim.co.uk`, i < 12 ? '10.0.0.2' : '10.0.0.3'));
    expect(events).toEqual([]);
    d.record(nx('last.victim.co.uk', '10.0.0.3'));
    expect(events).toHaveLength(1);
    const event = events[0];
    if (event?.type !== 'threat_detected') throw new Error(`expected a threat, got ${event?.type}`);
    const data = event.data;
    expect(parseEventData('threat_detected', data).ok).toBe(true);
    expect(data).toMatchObject({
      clientIp: '10.0.0.2',
      qname: 'victim.co.uk',
      qtype: 'AAAA',
      action: 'passthru',
      category: 'custom',
      detection: {
        kind: 'random_subdomain',
        severity: 'warning',
        count: 20,
        threshold: 20,
        windowSec: 60,
        baseDomain: 'victim.co.uk',
        // Ranked by the distinct names each asked, not by repeats.
        clients: [
          { ip: '10.0.0.2', count: 12 },
          { ip: '10.0.0.3', count: 7 },
          { ip: '10.0.0.1', count: 1 },
        ],
      },
    });
    // Viewers see neither the client nor the top clients; the domain stays (it is DNS data).
    const viewer = redactEventData('threat_detected', data, 'viewer').data as typeof data;
    expect(viewer.clientIp).toBe(REDACTED);
    expect(viewer.detection?.clients?.[0]?.ip).toBe(REDACTED);
    expect(viewer.detection?.baseDomain).toBe('victim.co.uk');
    expect(parseEventData('threat_detected', viewer).ok).toBe(true);
  });

  it('escalates once at 4×, re-arms after the names expire', () => {
    const { clock, events, d } = setup(5);
    for (let i = 0; i < 30; i++) d.record(nx(`w${i}.victim.test`));
    expect(events.map((e) => e.type === 'threat_detected' && e.data.detection?.severity)).toEqual([
      'warning',
      'critical',
    ]);
    expect(d.size.names).toBeLessThanOrEqual(21); // counted up to the critical level only
    clock.now += 30_000;
    d.evaluate();
    for (let i = 0; i < 30; i++) d.record(nx(`v${i}.victim.test`));
    expect(events).toHaveLength(2);
    clock.now += 65_000;
    d.evaluate();
    expect(d.size).toEqual({ domains: 0, names: 0 });
    for (let i = 0; i < 5; i++) d.record(nx(`u${i}.victim.test`));
    expect(events).toHaveLength(3);
  });

  it('does not count names spread over more than a minute', () => {
    const { clock, events, d } = setup(10);
    for (let i = 0; i < 30; i++) {
      d.record(nx(`slow${i}.victim.test`));
      clock.now += 10_000;
      d.evaluate();
    }
    expect(events).toEqual([]);
  });

  it('bounds domains and names', () => {
    const { d } = setup(1000, { maxDomains: 100, maxNames: 500 });
    for (let i = 0; i < 2000; i++) d.record(nx(`a${i}.d${i % 300}.test`));
    expect(d.size.domains).toBeLessThanOrEqual(100);
    expect(d.size.names).toBeLessThanOrEqual(500);
  });

  it('is off at 0', () => {
    const { events, d } = setup(0);
    for (let i = 0; i < 100; i++) d.record(nx(`a${i}.victim.test`));
    d.evaluate();
    expect(events).toEqual([]);
  });
});
