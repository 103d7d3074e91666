import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventDataOf } from '@hdns/protocol';
import { ThresholdWatch } from './threshold-watch.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('ThresholdWatch', () => {
  it('alerts once when a figure crosses its threshold and once when it recovers', () => {
    vi.useFakeTimers();
    const sample = { connections: 10, queueDepth: 0, bufferedBytes: 0 };
    const alerts: EventDataOf<'health_alert'>[] = [];
    const watch = new ThresholdWatch(
      { connections: 100, intervalMs: 1000 },
      () => sample,
      (a) => alerts.push(a),
    );
    vi.advanceTimersByTime(3000);
    expect(alerts).toEqual([]);
    sample.connections = 150;
    vi.advanceTimersByTime(5000);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      metric: 'connections',
      value: 150,
      threshold: 100,
      severity: 'warning',
    });
    sample.connections = 90;
    vi.advanceTimersByTime(1000);
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toMatchObject({ metric: 'connections', resolved: true });
    watch.close();
    sample.connections = 500;
    vi.advanceTimersByTime(5000);
    expect(alerts).toHaveLength(2);
  });
});
