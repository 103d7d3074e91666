import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventLog, type Hub } from '@hdns/hub';
import type { EventDataOf, EventType } from '@hdns/protocol';
import { createTestHub, findLogged, waitFor } from '@hdns/testkit';
import { createManagedBind, type ManagedBind } from '../src/bind/managed-bind.js';
import { startMonitors } from '../src/monitors/monitors.js';
import type { Stop } from '../src/monitors/monitor-types.js';
import { bindBinaries, dig, freeBindPorts, tempDir } from './bind-helpers.js';

/**
 * End to end with a real named (the BIND adapter's managed mode, temp dir, loopback ports):
 * startMonitors tails its query and rpz logs and reads rndc + the statistics channel.
 */

let bind: ManagedBind;
let stopBind: () => Promise<void>;
let stopMonitors: Stop;
let dir: { dir: string; remove: () => Promise<void> };
let hub: Hub;

beforeAll(async () => {
  dir = await tempDir('hdns-monitor-bind-');
  hub = createTestHub(new MemoryEventLog());
  bind = createManagedBind({
    dataDir: dir.dir,
    binaries: bindBinaries(),
    ports: await freeBindPorts(),
    restart: { maxAttempts: 0 },
    initialState: () => ({
      zones: [
        {
          zone: { name: 'example.test', type: 'primary', defaultTtl: 300, serial: 1 },
          records: [
            { name: '@', type: 'NS', value: 'ns1' },
            { name: 'ns1', type: 'A', value: '127.0.0.1' },
            { name: 'www', type: 'A', value: '192.0.2.10' },
          ],
        },
      ],
      forwarders: [],
      rpzRules: [{ name: 'malware.bad.test', action: 'nxdomain', category: 'malware' }],
    }),
  });
  stopBind = await bind.start();
  stopMonitors = startMonitors(
    {
      hub,
      bind: { rndcStatus: () => bind.tools.status(), serverStats: () => bind.stats.server() },
      categoryOf: (rule) => Promise.resolve(rule === 'malware.bad.test' ? 'malware' : null),
    },
    {
      queryLog: {
        path: bind.layout.queryLog,
        from: 'start',
        pollIntervalMs: 50,
        statsIntervalMs: 250,
      },
      rpzLog: { path: bind.layout.rpzLog, from: 'start', pollIntervalMs: 50 },
      bind: { intervalMs: 300 },
      system: { enabled: false },
    },
  );
});

afterAll(async () => {
  await stopMonitors?.();
  await stopBind?.();
  await hub?.close();
  await dir?.remove();
});

/** The payload of the first logged event of `type` matching `pred`. */
const find =
  <T extends EventType>(type: T, pred: (d: EventDataOf<T>) => boolean) =>
  (): Promise<EventDataOf<T> | undefined> =>
    findLogged(hub.log, type, pred);

describe('monitors against a real named', () => {
  it('a dig appears as dns_query_log', async () => {
    expect((await dig(bind.ports.dns, 'www.example.test', 'A')).answers).toEqual(['192.0.2.10']);
    const e = await waitFor(find('dns_query_log', (e) => e.qname === 'www.example.test'));
    expect(e).toMatchObject({
      clientIp: '127.0.0.1',
      qclass: 'IN',
      qtype: 'A',
      server: '127.0.0.1',
    });
    expect(e.flags).toMatch(/^[+-]/);
  });

  it('an RPZ block appears as threat_detected with its category and counts as blocked', async () => {
    expect((await dig(bind.ports.dns, 'malware.bad.test', 'A')).status).toBe('NXDOMAIN');
    const threat = await waitFor(find('threat_detected', (e) => e.qname === 'malware.bad.test'));
    expect(threat).toMatchObject({
      clientIp: '127.0.0.1',
      action: 'nxdomain',
      rule: 'malware.bad.test',
      category: 'malware',
      policyZone: 'rpz.local',
    });
    await waitFor(find('query_stats', (e) => (e.blocked ?? 0) >= 1 && e.windowSec === 60));
  });

  it('bind_status reports running named with its counters; a stopped named raises an alert', async () => {
    const status = await waitFor(find('bind_status', (e) => e.running && e.rpzRewrites >= 1));
    expect(status).toMatchObject({ running: true, managed: true });
    expect(status.version).toMatch(/^9\./);
    expect(status.zonesLoaded).toBeGreaterThanOrEqual(2);
    expect(status.rcodes.NXDOMAIN).toBeGreaterThanOrEqual(1);
    expect(status.uptimeSec).toBeGreaterThanOrEqual(0);

    await stopBind();
    const down = await waitFor(find('bind_status', (e) => !e.running));
    expect(down).toMatchObject({ running: false, qps: 0, version: null });
    const alert = await waitFor(find('health_alert', (e) => e.source === 'bind'));
    expect(alert).toMatchObject({ severity: 'critical', alertId: 'bind:unreachable' });
  });
});
