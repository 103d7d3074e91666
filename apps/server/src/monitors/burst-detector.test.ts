import { describe, expect, it } from 'vitest';
import { BurstDetector } from './burst-detector.js';

describe('BurstDetector', () => {
  it('raises once at the threshold, escalates once, then cools down', () => {
    let now = 0;
    const d = new BurstDetector({
      threshold: 3,
      criticalThreshold: 5,
      windowMs: 1000,
      cooldownMs: 10_000,
      now: () => now,
    });
    const alerts = Array.from({ length: 8 }, () => {
      now += 10;
      return d.hit('10.0.0.1');
    });
    expect(alerts.map((a) => a?.severity ?? null)).toEqual([
      null,
      null,
      'warning',
      null,
      'critical',
      null,
      null,
      null,
    ]);
    expect(d.hit('10.0.0.2')).toBeNull();
    now += 20_000;
    for (let i = 0; i < 2; i++) d.hit('10.0.0.1');
    expect(d.hit('10.0.0.1')).toEqual({ severity: 'warning', count: 3 });
  });

  it('forgets hits outside the window and bounds the number of keys', () => {
    let now = 0;
    const d = new BurstDetector({
      threshold: 2,
      criticalThreshold: 9,
      windowMs: 100,
      cooldownMs: 0,
      maxKeys: 50,
      now: () => now,
    });
    d.hit('a');
    now += 200;
    expect(d.hit('a')).toBeNull();
    for (let i = 0; i < 500; i++) d.hit(`k${i}`);
    expect(d.size).toBe(50);
  });
});
