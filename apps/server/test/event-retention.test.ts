import { EXAMPLE_EVENTS } from '@hdns/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

/**
 * The live query log must not push zone, security and user events out of the event history.
 * The real app with the smallest retentions: a flood of dns_query_log (published through the
 * hub as the query monitor does) is pruned in its own pool, and the zone change stays.
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
