import { describe, expect, it } from 'vitest';
import { configuredZones } from './bind-status-monitor.js';
import { DEFAULT_MONITORS_CONFIG, resolveMonitorsConfig } from './monitors-config.js';

describe('resolveMonitorsConfig', () => {
  it('fills defaults and merges nested sections in part', () => {
    const c = resolveMonitorsConfig({
      queryLog: { path: '/d/logs/query.log', maxEventsPerSec: 50, statsWindowsSec: [10] },
      rpzLog: { burst: { threshold: 5 } },
      forwarders: { policy: { slowMs: 500 } },
      system: { thresholds: { disk: null } },
    });
    expect(c.queryLog).toMatchObject({
      path: '/d/logs/query.log',
      maxEventsPerSec: 50,
      statsWindowsSec: [10],
      pollIntervalMs: 25,
    });
    expect(c.rpzLog.burst).toEqual({ ...DEFAULT_MONITORS_CONFIG.rpzLog.burst, threshold: 5 });
    expect(c.forwarders.policy).toMatchObject({ slowMs: 500, downAfter: 3 });
    expect(c.system.thresholds).toEqual({ cpu: 90, memory: 90, disk: null });
    expect(resolveMonitorsConfig()).toEqual(DEFAULT_MONITORS_CONFIG);
    expect(DEFAULT_MONITORS_CONFIG.queryLog.path).toBeNull();
  });

  it('counts configured zones without the automatic empty zones', () => {
    expect(configuredZones('103 (100 automatic)')).toBe(3);
    expect(configuredZones('7')).toBe(7);
    expect(configuredZones(undefined)).toBeNull();
    expect(configuredZones('n/a')).toBeNull();
  });
});
