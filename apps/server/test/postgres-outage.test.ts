/**
 * The server with its app database on PostgreSQL (HDNS_DATABASE_URL) when PostgreSQL stops and
 * comes back: REST answers 503 DATABASE_UNAVAILABLE (a stable code, nothing half-done), the
 * process stays up, open WebSockets keep receiving live monitor events, and everything works
 * again once PostgreSQL is back, without a restart of the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startPostgresServer,
  startProcessServer,
  TestClient,
  waitFor,
  type PostgresServer,
  type ProcessServer,
} from '@hdns/testkit';

let pg: PostgresServer;
let s: ProcessServer;

beforeAll(async () => {
  pg = await startPostgresServer();
  s = await startProcessServer({
    env: {
      HDNS_DATABASE_URL: await pg.createDatabase('hdns'),
      HDNS_MONITORS: 'true',
      HDNS_SYSTEM_METRICS_INTERVAL: '1',
    },
  });
}, 60_000);

afterAll(async () => {
  await s?.close();
  await pg?.close();
});

describe('PostgreSQL outage', () => {
  it('REST answers 503 DATABASE_UNAVAILABLE, live events keep flowing, all recovers', async () => {
    const { accessToken: token } = await s.login();
    const { client } = await TestClient.connect(s.wsUrl, {
      token,
      subscribe: ['system_metrics', 'zone_created'],
    });
    try {
      expect((await s.api('/api/zones', { token, body: { name: 'before.example' } })).status).toBe(
        201,
      );

      await pg.stop();
      const down = await s.api('/api/zones', { token, body: { name: 'during.example' } });
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
      expect((await s.api('/api/zones', { token })).body).toMatchObject({
        code: 'DATABASE_UNAVAILABLE',
      });
      expect((await s.api('/readyz')).status).toBe(503);
      expect((await s.api('/healthz')).status).toBe(200);
      // Monitor events do not touch the app database: they keep reaching the open socket.
      const seen = client.events.filter((e) => e.event === 'system_metrics').length;
      await client.waitFor(() =>
        client.events.filter((e) => e.event === 'system_metrics').length >= seen + 2
          ? true
          : undefined,
      );
      expect(client.closed).toBeUndefined();

      await pg.start();
      await waitFor(
        async () =>
          (await s.api('/api/zones', { token, body: { name: 'after.example' } })).status === 201,
        20_000,
        'a zone created after PostgreSQL is back',
      );
      const zones = (await s.api('/api/zones', { token })).body as { zones: { name: string }[] };
      expect(zones.zones.map((z) => z.name).sort()).toEqual(['after.example', 'before.example']);
      await client.waitFor(() =>
        client.events.some(
          (e) =>
            e.event === 'zone_created' && (e.data as { zone: string }).zone === 'after.example',
        )
          ? true
          : undefined,
      );
      expect((await s.api('/readyz')).status).toBe(200);
    } finally {
      client.close();
    }
  }, 90_000);
});
