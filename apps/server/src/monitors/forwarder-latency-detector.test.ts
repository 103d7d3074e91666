import { parseEventData } from '@hdns/protocol';
import { describe, expect, it } from 'vitest';
import type { DetectorEvent } from './detector-events.js';
import { ForwarderLatencyDetector, MIN_SAMPLES } from './forwarder-latency-detector.js';
import { upstreamExchange } from '../queries/query-facts-fixture.js';

function setup(p99Ms = 500, failurePercent = 20) {
  const clock = { now: 4_000_000 };
  const events: DetectorEvent[] = [];
  const d = new ForwarderLatencyDetector(
    { p99Ms, failurePercent, windowSec: 60, now: () => clock.now },
    (e) => events.push(e),
  );
  const alerts = () => events.map((e) => (e.type === 'health_alert' ? e.data : null));
  return { clock, d, alerts };
}

describe('ForwarderLatencyDetector', () => {
  it("raises when a forwarder's p99 passes the threshold, resolves when it recovers", () => {
    const { clock, d, alerts } = setup();
    for (let i = 0; i < 97; i++) d.record(upstreamExchange({ latencyMs: 30 }));
    for (let i = 0; i < 3; i++) d.record(upstreamExchange({ latencyMs: 900 }));
    for (let i = 0; i < 100; i++)
      d.record(upstreamExchange({ address: '192.0.2.54', latencyMs: 20 }));
    d.evaluate();
    expect(alerts()).toHaveLength(1);
    const raised = alerts()[0];
    expect(parseEventData('health_alert', raised).ok).toBe(true);
    expect(raised).toMatchObject({
      alertId: 'fwd-p99:192.0.2.53',
      severity: 'warning',
      source: 'forwarders',
      metric: 'forwarder_p99_ms',
      threshold: 500,
    });
    expect(raised?.value).toBeGreaterThanOrEqual(900);
    expect(raised?.message).toMatch(
      /^Forwarder 192\.0\.2\.53 p99 response time at 9\d\d(\.\d)? ms, above 500 ms \(100 responses in 60 s\)$/,
    );
    d.evaluate();
    expect(alerts()).toHaveLength(1);
    clock.now += 61_000;
    for (let i = 0; i < 50; i++) d.record(upstreamExchange({ latencyMs: 25 }));
    d.evaluate();
    expect(alerts()[1]).toMatchObject({
      alertId: 'fwd-p99:192.0.2.53',
      resolved: true,
      severity: 'info',
    });
    expect(parseEventData('health_alert', alerts()[1]).ok).toBe(true);
  });

  it('escalates to critical at 4× the threshold', () => {
    const { d, alerts } = setup(100);
    for (let i = 0; i < 30; i++) d.record(upstreamExchange({ latencyMs: 150 }));
    d.evaluate();
    for (let i = 0; i < 30; i++) d.record(upstreamExchange({ latencyMs: 2500 }));
    d.evaluate();
    expect(alerts().map((a) => a?.severity)).toEqual(['warning', 'critical']);
  });

  it('raises on the share of timeouts and SERVFAIL, per forwarder and port', () => {
    const { clock, d, alerts } = setup(500, 20);
    const fwd = { address: '192.0.2.60', port: 5300 };
    for (let i = 0; i < 16; i++) d.record(upstreamExchange({ ...fwd, latencyMs: 10 }));
    for (let i = 0; i < 2; i++)
      d.record(upstreamExchange({ ...fwd, rcode: null, latencyMs: null }));
    for (let i = 0; i < 2; i++)
      d.record(upstreamExchange({ ...fwd, rcode: 'SERVFAIL', latencyMs: 10 }));
    d.evaluate();
    expect(alerts()).toEqual([
      {
        alertId: 'fwd-fail:192.0.2.60#5300',
        severity: 'warning',
        source: 'forwarders',
        metric: 'forwarder_failure_percent',
        value: 20,
        threshold: 20,
        message:
          'Forwarder 192.0.2.60#5300 failed queries at 20%, above 20% (4 of 20 queries in 60 s)',
      },
    ]);
    // Named stops using it: after a whole window without queries the alert is resolved.
    clock.now += 70_000;
    d.evaluate();
    expect(alerts()[1]).toMatchObject({ alertId: 'fwd-fail:192.0.2.60#5300', resolved: true });
    expect(alerts()[1]?.message).toContain('no queries');
  });

  it(`judges nothing below ${MIN_SAMPLES} responses, and is off at 0`, () => {
    const few = setup(100, 10);
    for (let i = 0; i < MIN_SAMPLES - 1; i++)
      few.d.record(upstreamExchange({ rcode: null, latencyMs: 5000 }));
    few.d.evaluate();
    expect(few.alerts()).toEqual([]);
    const off = setup(0, 0);
    for (let i = 0; i < 100; i++) off.d.record(upstreamExchange({ rcode: null, latencyMs: 5000 }));
    off.d.evaluate();
    expect(off.alerts()).toEqual([]);
  });
});
