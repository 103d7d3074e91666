import { parseEventData } from '@hdns/protocol';
import { describe, expect, it } from 'vitest';
import type { DetectorEvent } from './detector-events.js';
import { answeredQuery } from '../queries/query-facts-fixture.js';
import { ServfailSpikeDetector } from './servfail-spike-detector.js';

function setup(percent = 5, minAnswers = 100) {
  const clock = { now: 3_000_000 };
  const events: DetectorEvent[] = [];
  const d = new ServfailSpikeDetector(
    { percent, minAnswers, windowSec: 60, now: () => clock.now },
    (e) => events.push(e),
  );
  const answer = (n: number, rcode: string) => {
    for (let i = 0; i < n; i++) d.record(answeredQuery({ rcode }));
  };
  const alerts = () => events.map((e) => (e.type === 'health_alert' ? e.data : null));
  return { clock, events, d, answer, alerts };
}

describe('ServfailSpikeDetector', () => {
  it('raises at the share, escalates at 4×, resolves below 80% of it, with stable alertId', () => {
    const { clock, d, answer, alerts } = setup();
    answer(95, 'NOERROR');
    answer(5, 'SERVFAIL');
    d.evaluate();
    expect(alerts()).toEqual([
      {
        alertId: 'dns:servfail',
        severity: 'warning',
        source: 'dns',
        metric: 'servfail_percent',
        value: 5,
        threshold: 5,
        message: 'SERVFAIL share of answers at 5%, above 5% (5 of 100 answers in 60 s)',
      },
    ]);
    for (const a of alerts()) expect(parseEventData('health_alert', a).ok).toBe(true);
    // Hovering between 4% and 5%: nothing new (hysteresis).
    answer(100, 'NOERROR');
    answer(9, 'SERVFAIL');
    d.evaluate();
    expect(alerts()).toHaveLength(1);
    answer(200, 'SERVFAIL');
    d.evaluate();
    expect(alerts()[1]).toMatchObject({ severity: 'critical', threshold: 5 });
    // A minute later only clean answers are in the window.
    clock.now += 61_000;
    answer(200, 'NOERROR');
    d.evaluate();
    expect(alerts()[2]).toMatchObject({
      alertId: 'dns:servfail',
      severity: 'info',
      resolved: true,
      value: 0,
      message: 'SERVFAIL share of answers back to 0%',
    });
    for (const a of alerts()) expect(parseEventData('health_alert', a).ok).toBe(true);
    d.evaluate();
    expect(alerts()).toHaveLength(3);
  });

  it('needs the minimum volume; resolves when the volume falls under half of it', () => {
    const { clock, d, answer, alerts } = setup(5, 100);
    answer(99, 'SERVFAIL');
    d.evaluate();
    expect(alerts()).toEqual([]);
    answer(1, 'SERVFAIL');
    d.evaluate();
    expect(alerts()).toMatchObject([{ severity: 'critical', value: 100 }]);
    clock.now += 61_000;
    answer(60, 'SERVFAIL'); // under the minimum, above half of it: still standing
    d.evaluate();
    expect(alerts()).toHaveLength(1);
    clock.now += 61_000;
    answer(10, 'SERVFAIL');
    d.evaluate();
    expect(alerts()[1]).toMatchObject({ resolved: true, severity: 'info' });
    expect(alerts()[1]?.message).toContain('no longer judged');
  });

  it('ignores records without an rcode and is off at 0', () => {
    const on = setup(5, 10);
    for (let i = 0; i < 50; i++) on.d.record(answeredQuery({ rcode: null }));
    on.d.evaluate();
    expect(on.events).toEqual([]);
    const off = setup(0, 10);
    off.answer(50, 'SERVFAIL');
    off.d.evaluate();
    expect(off.events).toEqual([]);
  });
});
