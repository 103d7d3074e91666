import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryEventLog, type Hub } from '@hdns/hub';
import { createTestHub, logged } from '@hdns/testkit';
import { parseNetDev } from '../src/monitors/host-readings.js';
import { SystemMetricsMonitor } from '../src/monitors/system-metrics.js';
import { ThresholdAlert } from '../src/monitors/threshold-alert.js';

let hub: Hub | null = null;

afterEach(async () => {
  await hub?.close();
  hub = null;
});

describe('SystemMetricsMonitor', () => {
  it('publishes valid system_metrics on its interval and alerts once per crossing', async () => {
    hub = createTestHub(new MemoryEventLog());
    const monitor = new SystemMetricsMonitor(hub, {
      diskPath: os.tmpdir(),
      intervalSec: 0.2,
      // Memory use is always above 0.1 %: one alert, however many samples.
      thresholds: { cpu: null, memory: 0.1, disk: 100 },
    });
    const stop = monitor.start();
    await sleep(750);
    await stop();
    await stop();
    const metrics = await logged(hub.log, 'system_metrics');
    expect(metrics.length).toBeGreaterThanOrEqual(2);
    const m = metrics[0]?.data;
    expect(m).toMatchObject({ intervalSec: 0.2, disk: { path: os.tmpdir() } });
    expect(m?.cpu.cores).toBe(os.cpus().length);
    expect(m?.cpu.percent).toBeGreaterThanOrEqual(0);
    expect(m?.memory.totalBytes).toBe(os.totalmem());
    expect(m?.disk.totalBytes).toBeGreaterThan(0);
    expect(m?.network.rxBytesPerSec).toBeGreaterThanOrEqual(0);
    const alerts = await logged(hub.log, 'health_alert');
    expect(alerts.map((a) => a.data)).toEqual([
      expect.objectContaining({
        alertId: 'system:memory_percent',
        source: 'system',
        metric: 'memory_percent',
        threshold: 0.1,
        severity: 'warning',
      }),
    ]);
    const count = metrics.length;
    await sleep(300);
    expect(await logged(hub.log, 'system_metrics')).toHaveLength(count);
  });

  it('threshold alerts: once up, once back down past the hysteresis', () => {
    const t = new ThresholdAlert({
      source: 'system',
      metric: 'cpu_percent',
      threshold: 90,
      label: 'CPU usage',
    });
    expect(t.update(50)).toBeNull();
    expect(t.update(95)).toMatchObject({ severity: 'warning', value: 95 });
    expect(t.update(99)).toBeNull();
    expect(t.update(88)).toBeNull();
    expect(t.update(80)).toMatchObject({ resolved: true, severity: 'info' });
    expect(t.update(80)).toBeNull();
  });

  it('reads /proc/net/dev without loopback', () => {
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo: 1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0',
      '  eth0: 5000      50    0    0    0     0          0         0     7000      70    0    0    0     0       0          0',
      '  eth1: 1        1    0    0    0     0          0         0     2      1    0    0    0     0       0          0',
    ].join('\n');
    expect(parseNetDev(text)).toEqual({ rx: 5001, tx: 7002 });
  });
});
