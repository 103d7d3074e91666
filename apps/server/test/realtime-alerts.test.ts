import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLE_EVENTS, type EventFrame } from '@hdns/protocol';
import { TestClient } from '@hdns/testkit';
import { startTestServer, type TestServer } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const wsUrl = (s: TestServer) => `${s.url.replace('http', 'ws')}/ws`;
// The hub samples its figures every 5 s; an alert may take up to one interval to appear.
const SAMPLE_WAIT_MS = 15_000;

async function viewer(s: TestServer, adminToken: string): Promise<string> {
  const res = await s.api('/api/users', {
    method: 'POST',
    token: adminToken,
    body: { username: 'val', password: 'password-123', role: 'viewer', zones: null },
  });
  expect(res.status).toBe(201);
  return (await s.login('val', 'password-123')).accessToken;
}

const hubAlerts = (c: TestClient, metric: string) =>
  c.events.filter(
    (e): e is EventFrame =>
      e.event === 'health_alert' &&
      (e.data as { source: string; metric?: string }).source === 'realtime' &&
      (e.data as { metric?: string }).metric === metric,
  );

describe('hub threshold alerts on the real app', () => {
  it('sends admins one health_alert when connections pass HDNS_WS_ALERT_CONNECTIONS and one when they recover; viewers get neither', async () => {
    server = await startTestServer({ env: { HDNS_WS_ALERT_CONNECTIONS: '1' } });
    const s = server;
    const admin = await s.login();
    const a = await TestClient.connect(wsUrl(s), {
      token: admin.accessToken,
      subscribe: ['health_alert'],
    });
    const viewerToken = await viewer(s, admin.accessToken);
    const v = await TestClient.connect(wsUrl(s), {
      token: viewerToken,
      subscribe: ['health_alert'],
    });
    expect(v.welcome.subscriptions).toEqual(['health_alert']);

    const [raised] = await a.client.waitFor(
      () =>
        hubAlerts(a.client, 'connections').length > 0
          ? hubAlerts(a.client, 'connections')
          : undefined,
      SAMPLE_WAIT_MS,
    );
    expect(raised?.data).toMatchObject({
      severity: 'warning',
      source: 'realtime',
      metric: 'connections',
      value: 2,
      threshold: 1,
    });
    expect(raised?.meta).toMatchObject({ audience: 'admin' });
    // A round trip on the viewer's socket: anything sent to it before is in by now.
    await v.client.request({ type: 'ping' }, 'pong');
    expect(v.client.events).toEqual([]);
    // Nor does history show it to them, while it does to admins.
    const history = (token: string) =>
      s
        .api('/api/events?type=health_alert', { token })
        .then((r) => r.body as { events: unknown[] });
    expect((await history(viewerToken)).events).toEqual([]);
    expect((await history(admin.accessToken)).events).toHaveLength(1);

    v.client.close();
    const resolved = await a.client.waitFor(
      () => hubAlerts(a.client, 'connections')[1],
      SAMPLE_WAIT_MS,
    );
    expect(resolved.data).toMatchObject({
      severity: 'info',
      metric: 'connections',
      value: 1,
      threshold: 1,
      resolved: true,
    });
    // One alert per crossing, not one per sample.
    expect(hubAlerts(a.client, 'connections')).toHaveLength(2);
  }, 60_000);

  it('alerts admins when queued events pass HDNS_WS_ALERT_QUEUE_DEPTH, and again when the queues drain', async () => {
    // A long batch window keeps normal events queued long enough to be sampled.
    server = await startTestServer({
      env: {
        HDNS_WS_ALERT_QUEUE_DEPTH: '5',
        HDNS_WS_BATCH_DELAY_MS: '5000',
        HDNS_WS_MAX_PER_USER: '2',
      },
    });
    const s = server;
    const admin = await s.login();
    const watcher = await TestClient.connect(wsUrl(s), {
      token: admin.accessToken,
      subscribe: ['health_alert'],
    });
    const reader = await TestClient.connect(wsUrl(s), {
      token: admin.accessToken,
      subscribe: ['record_created'],
    });
    const raised = () => hubAlerts(watcher.client, 'queueDepth')[0];
    const deadline = Date.now() + SAMPLE_WAIT_MS;
    while (!raised()) {
      if (Date.now() > deadline) throw new Error('no queueDepth alert');
      await s.app.hub.publish('record_created', EXAMPLE_EVENTS.record_created);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(raised()?.data).toMatchObject({
      severity: 'warning',
      source: 'realtime',
      metric: 'queueDepth',
      threshold: 5,
    });
    expect((raised()?.data as { value: number }).value).toBeGreaterThan(5);

    // No more publishing: the batch window flushes the reader's queue, and the next sample sees it.
    const resolved = await watcher.client.waitFor(
      () => hubAlerts(watcher.client, 'queueDepth')[1],
      SAMPLE_WAIT_MS,
    );
    expect(resolved.data).toMatchObject({ metric: 'queueDepth', value: 0, resolved: true });
    const logged = await s.api('/api/events?type=record_created&order=asc&limit=500', {
      token: admin.accessToken,
    });
    const seqs = (logged.body as { events: { seq: number }[] }).events.map((e) => e.seq);
    await reader.client.waitForEvents(seqs.length);
    expect(reader.client.events.map((e) => e.seq)).toEqual(seqs);
  }, 60_000);
});
