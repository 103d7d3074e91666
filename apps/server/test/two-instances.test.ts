/**
 * Two server processes sharing one PostgreSQL (app database) and one Redis (event log and bus),
 * with the same JWT secret: a user signed in on one is signed in on both, REST writes on either
 * reach WebSocket clients on both exactly once and in the same order, and a client resumes on
 * the other instance from where it left off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startClusterServices,
  startProcessServer,
  TestClient,
  type ClusterServices,
  type ProcessServer,
} from '@hdns/testkit';

let services: ClusterServices;
let a: ProcessServer;
let b: ProcessServer;

beforeAll(async () => {
  services = await startClusterServices();
  const env = {
    ...services.env,
    // The admin holds a socket on each instance at once: the per-user limit is cluster-wide.
    HDNS_WS_MAX_PER_USER: '5',
  };
  a = await startProcessServer({ env });
  b = await startProcessServer({ env });
}, 90_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await services?.close();
});

describe('two instances on PostgreSQL and Redis', () => {
  it('share users, tokens and data; every event reaches clients on both, once, in one order', async () => {
    const { accessToken: token } = await a.login();
    // A token from instance A works on B: same users, same secret.
    expect((await b.api('/api/auth/me', { token })).status).toBe(200);
    const { client: onA } = await TestClient.connect(a.wsUrl, {
      token,
      subscribe: ['zone_created'],
    });
    const { client: onB } = await TestClient.connect(b.wsUrl, {
      token,
      subscribe: ['zone_created'],
    });
    try {
      const names = Array.from({ length: 30 }, (_, i) => `z${i}.example`);
      await Promise.all(
        names.map(async (name, i) => {
          const res = await (i % 2 ? b : a).api('/api/zones', { token, body: { name } });
          expect(res.status).toBe(201);
        }),
      );
      const fromA = await onA.waitForEvents(30);
      const fromB = await onB.waitForEvents(30);
      const order = (events: typeof fromA) =>
        events.map((e) => [e.seq, (e.data as { zone: string }).zone]);
      expect(order(fromB)).toEqual(order(fromA));
      const seqs = fromA.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(fromA.map((e) => (e.data as { zone: string }).zone).sort()).toEqual([...names].sort());
      // Both instances list the same zones (one database).
      const listed = (await b.api('/api/zones', { token })).body as { zones: unknown[] };
      expect(listed.zones).toHaveLength(30);

      // A client of A moves to B and resumes from its last event: nothing missed, nothing twice.
      const welcome = onA.frames.find((f) => f.type === 'welcome');
      if (welcome?.type !== 'welcome') throw new Error('no welcome');
      const last = fromA[14];
      if (!last) throw new Error('too few events');
      onA.close();
      const { client: moved } = await TestClient.connect(b.wsUrl, {
        token,
        subscribe: ['zone_created'],
        resume: { epoch: welcome.position.epoch, seq: last.seq },
      });
      try {
        const replayed = await moved.waitForEvents(15);
        expect(replayed.map((e) => e.seq)).toEqual(fromA.slice(15).map((e) => e.seq));
      } finally {
        moved.close();
      }
    } finally {
      onA.close();
      onB.close();
    }
  }, 90_000);
});
