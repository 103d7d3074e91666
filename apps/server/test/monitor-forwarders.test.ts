import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import {
  TestClient,
  startHub,
  token,
  type TestHub,
  waitFor,
  logged,
  type TypedLoggedEvent,
} from '@hdns/testkit';
import { ForwarderHealthMonitor, type ForwarderInfo } from '../src/monitors/forwarder-health.js';
import { probeDns } from '../src/monitors/dns-probe.js';
import type { Stop } from '../src/monitors/monitor-types.js';

/** A tiny UDP DNS responder on loopback: answers every query with `rcode` (flags low bits). */
async function startResponder(
  port = 0,
  rcode = 0,
): Promise<{ port: number; close: () => Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    let q: dnsPacket.DecodedPacket;
    try {
      q = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const reply = dnsPacket.encode({
      type: 'response',
      id: q.id ?? 0,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcode,
      questions: q.questions ?? [],
      answers: [],
    });
    socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', () => resolve()));
  return {
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

let th: TestHub | null = null;
let stops: Stop[] = [];

afterEach(async () => {
  for (const stop of stops) await stop();
  stops = [];
  await th?.close();
  th = null;
});

describe('dns probe', () => {
  it('measures an answer, reports the rcode, and times out on a silent port', async () => {
    const ok = await startResponder();
    const servfail = await startResponder(0, 2);
    const opts = { name: '.', type: 'NS' as const, timeoutMs: 300 };
    const a = await probeDns({ address: '127.0.0.1', port: ok.port }, opts);
    expect(a).toMatchObject({ ok: true, rcode: 'NOERROR' });
    expect(a.latencyMs).toBeGreaterThanOrEqual(0);
    const b = await probeDns({ address: '127.0.0.1', port: servfail.port }, opts);
    expect(b).toMatchObject({ ok: false, rcode: 'SERVFAIL' });
    const silentPort = ok.port;
    await ok.close();
    await servfail.close();
    const t0 = Date.now();
    const c = await probeDns({ address: '127.0.0.1', port: silentPort }, opts);
    expect(c).toMatchObject({ ok: false, latencyMs: null, error: 'timeout' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });
});

describe('ForwarderHealthMonitor', () => {
  it('reports healthy, then down when the responder stops, then recovery on the same port', async () => {
    const t = await startHub();
    th = t;
    const { client } = await TestClient.connect(t.url, {
      token: token('u1', 'viewer'),
      subscribe: ['forwarder_status_change', 'health_alert'],
    });
    let responder = await startResponder();
    const port = responder.port;
    const failing = await startResponder(0, 5); // REFUSED
    const list: ForwarderInfo[] = [
      { id: 'f1', name: 'upstream-1', address: '127.0.0.1', port },
      { id: 'f2', name: 'refuser', address: '127.0.0.1', port: failing.port },
    ];
    const monitor = new ForwarderHealthMonitor(t.hub, {
      forwarders: () => Promise.resolve(list),
      intervalMs: 100,
      timeoutMs: 150,
      policy: { downAfter: 2, window: 3, minSuccessRate: 0.6 },
    });
    stops.push(monitor.start());
    const changes = async (): Promise<TypedLoggedEvent<'forwarder_status_change'>[]> =>
      (await logged(t.log, 'forwarder_status_change')).filter((e) => e.data.forwarderId === 'f1');

    await waitFor(async () => ((await changes()).length >= 1 ? true : undefined));
    expect((await changes())[0]?.data).toMatchObject({
      from: null,
      to: 'healthy',
      name: 'upstream-1',
      address: `127.0.0.1#${port}`,
    });

    await responder.close();
    await waitFor(async () =>
      (await changes()).some((e) => e.data.to === 'down') ? true : undefined,
    );
    const down = (await changes()).find((e) => e.data.to === 'down');
    expect(down?.data).toMatchObject({ from: 'degraded', latencyMs: null, consecutiveFailures: 2 });
    expect(down?.data.reason).toMatch(/2 consecutive failed probes \(timeout\)/);

    responder = await startResponder(port);
    await waitFor(async () =>
      (await changes()).some((e) => e.data.from === 'down') ? true : undefined,
    );
    await waitFor(async () => ((await changes()).at(-1)?.data.to === 'healthy' ? true : undefined));
    expect((await changes()).map((e) => [e.data.from, e.data.to])).toEqual([
      [null, 'healthy'],
      ['healthy', 'degraded'],
      ['degraded', 'down'],
      ['down', 'degraded'],
      ['degraded', 'healthy'],
    ]);

    const alerts = (await logged(t.log, 'health_alert')).map((e) => e.data);
    const f1Alerts = alerts.filter((a) => a.alertId === 'forwarder-down:f1');
    expect(f1Alerts.map((a) => [a.severity, a.resolved ?? false])).toEqual([
      ['critical', false],
      ['info', true],
    ]);
    const refuser = (await logged(t.log, 'forwarder_status_change')).filter(
      (e) => e.data.forwarderId === 'f2',
    );
    expect(refuser[0]?.data.reason).toMatch(/answered REFUSED/);

    const update = (await logged(t.log, 'health_update')).at(-1)?.data;
    expect(update?.forwarders.map((f) => f.id)).toEqual(['f1', 'f2']);
    expect(update?.overall).toBe('degraded');

    // The same transitions reached a real WebSocket client.
    await client.waitFor(() =>
      client.events.filter((e) => e.event === 'forwarder_status_change').length >= 5
        ? true
        : undefined,
    );
    client.ws.close();
    await responder.close();
    await failing.close();
  });
});
