import { EXAMPLE_EVENTS } from '@hdns/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '@hdns/testkit';
import { startTestServer, type TestServer } from './helpers.js';

/**
 * Traffic events (the live query log, RPZ hits) must not push zone, security and user events
 * out of the event history. The real app with the smallest retentions: a flood of dns_query_log
 * or threat_detected (published through the hub as the query and RPZ monitors do) is pruned in
 * the traffic pool, and everything else stays.
 */

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer({
    env: { HDNS_EVENT_RETENTION_COUNT: '100', HDNS_TRAFFIC_EVENT_RETENTION_COUNT: '100' },
  });
  token = (await server.login()).accessToken;
});

afterAll(() => server.close());

describe('event history: query events have their own retention', () => {
  it('2,500 query events leave the zone change in the history and keep their own pool bounded', async () => {
    const created = await server.api('/api/zones', {
      method: 'POST',
      token,
      body: { name: 'kept.test' },
    });
    expect(created.status).toBe(201);
    for (let i = 0; i < 2500; i++) {
      await server.app.hub.publish('dns_query_log', EXAMPLE_EVENTS.dns_query_log, {
        source: 'monitor:query-log',
      });
    }
    // Pruning runs every 1,000 appends; run it once more so the count is exact.
    await server.app.eventLog.prune();
    const zones = await server.api('/api/events?type=zone_created&limit=10', { token });
    expect((zones.body as { events: { data: { zone: string } }[] }).events).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ zone: 'kept.test' }) }),
    ]);
    const counts = await server.app.eventLog.countByCategory({});
    expect(counts.query).toBe(100);
    expect(counts.dns).toBe(1);
    // A reader of dns events can still resume from the start; a reader of query events cannot.
    expect(await server.app.eventLog.oldestSeq(['dns', 'user'])).toBe(1);
    expect(await server.app.eventLog.oldestSeq(['query'])).toBeGreaterThan(2000);
  });
});

describe('event history: an RPZ hit flood is traffic too', () => {
  let flooded: TestServer;
  beforeAll(async () => {
    flooded = await startTestServer({
      env: { HDNS_EVENT_RETENTION_COUNT: '100', HDNS_TRAFFIC_EVENT_RETENTION_COUNT: '100' },
    });
  });
  afterAll(() => flooded.close());

  type Listed = { events: { event: string; data: Record<string, unknown> }[] };
  const listed = async (type: string, accessToken: string): Promise<Listed['events']> => {
    const res = await flooded.api(`/api/events?type=${type}&limit=10`, { token: accessToken });
    expect(res.status).toBe(200);
    return (res.body as Listed).events;
  };

  it('2,500 threat_detected keep zone, user and alert events, zone/user readers resumable, the traffic pool at its count', async () => {
    const admin = await flooded.login();
    const token = admin.accessToken;
    const created = await flooded.api('/api/zones', {
      method: 'POST',
      token,
      body: { name: 'survives.test' },
    });
    expect(created.status).toBe(201);
    // A security event of the shared pool, as the RPZ monitor raises it for a burst.
    await flooded.app.hub.publish('security_alert', EXAMPLE_EVENTS.security_alert, {
      source: 'monitor:rpz-log',
    });
    // The login's user_login is published from its audit record, after the answer.
    const deadline = Date.now() + 5000;
    while ((await listed('user_login', token)).length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const before = await flooded.app.eventLog.lastSeq();

    for (let i = 0; i < 2500; i++) {
      await flooded.app.hub.publish('threat_detected', EXAMPLE_EVENTS.threat_detected, {
        source: 'monitor:rpz-log',
      });
    }
    // Pruning runs every 1,000 appends; run it once more so the count is exact.
    await flooded.app.eventLog.prune();

    expect((await listed('zone_created', token)).map((e) => e.data.zone)).toEqual([
      'survives.test',
    ]);
    expect(await listed('security_alert', token)).toHaveLength(1);
    expect((await listed('user_login', token)).map((e) => e.data.username)).toEqual(['admin']);
    const threats = await flooded.app.eventLog.query({ types: ['threat_detected'] });
    expect(threats).toHaveLength(100);
    expect(threats[0]?.seq).toBe(before + 2401);
    const counts = await flooded.app.eventLog.countByCategory({});
    expect(counts.security).toBe(101);
    expect(counts.dns).toBe(1);

    // A client of zone and user events resumes from before all of it and is replayed the zone
    // change; one of security events cannot (threat_detected is a security event in the
    // traffic pool) and is told so, rather than silently missing RPZ hits.
    const epoch = flooded.app.eventLog.epoch;
    const kept = await TestClient.connect(flooded.wsUrl, {
      token,
      subscribe: ['dns', 'user'],
      resume: { epoch, seq: 0 },
    });
    expect(kept.welcome.resume.ok).toBe(true);
    await kept.client.waitFor(() =>
      kept.client.events.some((e) => e.event === 'zone_created') ? true : undefined,
    );
    kept.client.ws.close();
    const lost = await TestClient.connect(flooded.wsUrl, {
      token,
      subscribe: ['security'],
      resume: { epoch, seq: 0 },
    });
    expect(lost.welcome.resume.ok).toBe(false);
    lost.client.ws.close();
  });
});
