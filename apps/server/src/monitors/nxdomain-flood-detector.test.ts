import { parseEventData } from '@hdns/protocol';
import { describe, expect, it } from 'vitest';
import type { DetectorEvent } from './detector-events.js';
import { NxdomainFloodDetector } from './nxdomain-flood-detector.js';
import { answeredQuery } from '../queries/query-facts-fixture.js';

const nx = (clientIp: string, qname = 'no-such.example.test') =>
  answeredQuery({ clientIp, qname, rcode: 'NXDOMAIN' });

function setup(perMinute: number, extra: { maxClients?: number; maxRaisesPerSec?: number } = {}) {
  const clock = { now: 1_000_000 };
  const events: DetectorEvent[] = [];
  const d = new NxdomainFloodDetector({ perMinute, now: () => clock.now, ...extra }, (e) =>
    events.push(e),
  );
  return { clock, events, d };
}

describe('NxdomainFloodDetector', () => {
  it('raises a warning at the threshold, critical once at 4×, naming the client', () => {
    const { clock, events, d } = setup(10);
    for (let i = 0; i < 9; i++) d.record(nx('10.0.0.9'));
    for (let i = 0; i < 50; i++) d.record(answeredQuery({ clientIp: '10.0.0.9' })); // NOERROR
    expect(events).toEqual([]);
    clock.now += 1000;
    d.record(nx('10.0.0.9', 'abc.example.test'));
    expect(events).toHaveLength(1);
    const first = events[0];
    expect(first?.type).toBe('threat_detected');
    expect(parseEventData('threat_detected', first?.data).ok).toBe(true);
    expect(first?.data).toMatchObject({
      clientIp: '10.0.0.9',
      qname: 'abc.example.test',
      qtype: 'A',
      action: 'passthru',
      category: 'custom',
      ts: new Date(clock.now).toISOString(),
      detection: {
        kind: 'nxdomain_flood',
        severity: 'warning',
        count: 10,
        threshold: 10,
        windowSec: 60,
      },
    });
    for (let i = 0; i < 29; i++) d.record(nx('10.0.0.9'));
    expect(events).toHaveLength(1);
    d.record(nx('10.0.0.9'));
    expect(events.map((e) => e.type === 'threat_detected' && e.data.detection)).toEqual([
      expect.objectContaining({ severity: 'warning', count: 10 }),
      expect.objectContaining({ severity: 'critical', count: 40 }),
    ]);
    for (let i = 0; i < 100; i++) d.record(nx('10.0.0.9'));
    d.evaluate();
    expect(events).toHaveLength(2);
  });

  it('re-arms only after the client fell below half the threshold (no flapping)', () => {
    const { clock, events, d } = setup(10);
    for (let i = 0; i < 10; i++) d.record(nx('10.0.0.7'));
    expect(events).toHaveLength(1);
    // Half a minute on, 10 are still in the window: the same flood, no new alert.
    clock.now += 30_000;
    d.evaluate();
    for (let i = 0; i < 5; i++) d.record(nx('10.0.0.7'));
    expect(events).toHaveLength(1);
    // A minute after the last of them the window is empty: re-armed.
    clock.now += 61_000;
    d.evaluate();
    for (let i = 0; i < 10; i++) d.record(nx('10.0.0.7'));
    expect(events).toHaveLength(2);
  });

  it('counts within a sliding minute', () => {
    const { clock, events, d } = setup(10);
    for (let i = 0; i < 9; i++) {
      d.record(nx('10.0.0.5'));
      clock.now += 10_000; // 9 over 90 s: never 10 within a minute
    }
    expect(events).toEqual([]);
  });

  it('caps alerts per second and bounds the clients it remembers', () => {
    const { clock, events, d } = setup(2, { maxRaisesPerSec: 2, maxClients: 50 });
    for (const ip of ['10.1.0.1', '10.1.0.2', '10.1.0.3'])
      for (let i = 0; i < 2; i++) d.record(nx(ip));
    expect(events.map((e) => (e.type === 'threat_detected' ? e.data.clientIp : null))).toEqual([
      '10.1.0.1',
      '10.1.0.2',
    ]);
    clock.now += 1000;
    d.record(nx('10.1.0.3'));
    expect(events.map((e) => (e.type === 'threat_detected' ? e.data.clientIp : null))).toEqual([
      '10.1.0.1',
      '10.1.0.2',
      '10.1.0.3',
    ]);
    for (let i = 0; i < 1000; i++) d.record(nx(`10.2.${i >> 8}.${i & 255}`));
    expect(d.size).toBeLessThanOrEqual(100);
  });

  it('is off at 0', () => {
    const { events, d } = setup(0);
    for (let i = 0; i < 100; i++) d.record(nx('10.0.0.1'));
    d.evaluate();
    expect(events).toEqual([]);
  });
});
