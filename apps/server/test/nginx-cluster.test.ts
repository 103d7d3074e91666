/**
 * Three instances on one PostgreSQL and one Redis behind a real nginx running the documented
 * configuration (docs/deploy/nginx-hdns.conf) with TLS (a self-signed certificate). SDK clients
 * connect through nginx (wss), a writer creates records through nginx (https), and one instance
 * is killed with SIGKILL mid-stream: its clients reconnect through nginx to the others and
 * resume, and every client sees every event exactly once, in order (checked by seq against the
 * event log).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeClient } from '@hdns/client';
import {
  freePort,
  makeTempDir,
  removeDir,
  selfSignedCertificate,
  shippedNginxSite,
  startNginx,
  startPostgresServer,
  startProcessServer,
  startRedisServer,
  TEST_ADMIN_PASSWORD,
  waitFor,
  type NginxServer,
  type PostgresServer,
  type ProcessServer,
  type RedisServer,
} from '@hdns/testkit';

const CLIENTS = 24;
const RECORDS = 2000;
const WRITERS = 6;

let pg: PostgresServer;
let redis: RedisServer;
let instances: ProcessServer[] = [];
let nginx: NginxServer;
let certDir: string;
let ca: string;
let base: string;

/** An HTTPS request through nginx, trusting the test certificate. */
function https(
  method: string,
  pathname: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${base}${pathname}`,
      {
        method,
        ca,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON (an nginx error page)
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** `ws` trusting the test certificate, as the SDK's WebSocket constructor. */
class TrustingWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols, { ca });
  }
}

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgresServer(), startRedisServer()]);
  const env = {
    HDNS_DATABASE_URL: await pg.createDatabase('hdns'),
    HDNS_REDIS_URL: redis.url,
    HDNS_JWT_SECRET: randomBytes(32).toString('hex'),
    HDNS_TRUSTED_PROXIES: '127.0.0.1',
    // The clients share one user (the admin); each is its own client instance.
    HDNS_WS_MAX_PER_USER: '100',
  };
  // The first instance migrates the shared database; the others then start together.
  instances = [await startProcessServer({ env })];
  instances.push(...(await Promise.all([1, 2].map(() => startProcessServer({ env })))));
  certDir = await makeTempDir('hdns-cert-');
  const { cert, key } = selfSignedCertificate(certDir);
  ca = readFileSync(cert, 'utf8');
  const [plain, tls] = [await freePort(), await freePort()];
  const ports = instances.map((s) => Number(new URL(s.url).port));
  nginx = await startNginx(
    shippedNginxSite({ instancePorts: ports, plain, site: tls, tls: { cert, key } }),
    tls,
  );
  base = `https://127.0.0.1:${tls}`;
}, 120_000);

afterAll(async () => {
  await nginx?.close();
  for (const s of instances) await s.close();
  await redis?.close();
  await pg?.close();
  if (certDir) await removeDir(certDir);
});

describe('three instances behind nginx', () => {
  it('SIGKILL of one instance mid-stream: every client sees every event once, in order', async () => {
    const login = await https('POST', '/api/auth/login', undefined, {
      username: 'admin',
      password: TEST_ADMIN_PASSWORD,
    });
    expect(login.status).toBe(200);
    const token = (login.body as { accessToken: string }).accessToken;
    expect((await https('POST', '/api/zones', token, { name: 'cluster.example' })).status).toBe(
      201,
    );

    const received: number[][] = [];
    const clients: RealtimeClient[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const seqs: number[] = [];
      received.push(seqs);
      const client = new RealtimeClient({
        url: `${base.replace('https', 'wss')}/ws`,
        getToken: () => token,
        WebSocket: TrustingWebSocket,
        subscriptions: ['record_created'],
        instanceId: `client-${i}`,
        reconnect: { baseMs: 100, capMs: 1_000, maxAttempts: 1_000 },
      });
      client.on('record_created', (e) => seqs.push(e.seq));
      client.connect();
      clients.push(client);
    }
    try {
      await Promise.all(clients.map((c) => c.ready(20_000)));
      // nginx balanced the sockets: every instance holds some.
      const perInstance = await Promise.all(
        instances.map(async (s) => {
          const res = await s.api('/api/admin/realtime', { token });
          return (res.body as { connections: number }).connections;
        }),
      );
      expect(perInstance.every((n) => n > 0)).toBe(true);
      const victim = instances[perInstance.indexOf(Math.max(...perInstance))];
      if (!victim) throw new Error('no instance');

      // Writers through nginx; one instance is killed a third of the way in. A request that
      // fails with it (connection reset, 502) is sent again, as a client would.
      let next = 0;
      let killed = false;
      const writer = async (): Promise<void> => {
        while (next < RECORDS) {
          const i = next++;
          if (i === Math.floor(RECORDS / 3) && !killed) {
            killed = true;
            await victim.proc.kill();
          }
          for (;;) {
            const res = await https('POST', '/api/zones/cluster.example/records', token, {
              name: `r${i}`,
              type: 'A',
              value: `192.0.2.${(i % 250) + 1}`,
            }).catch(() => ({ status: 0, body: null }));
            if (res.status === 201) break;
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      };
      await Promise.all(Array.from({ length: WRITERS }, writer));
      expect(killed).toBe(true);

      // The truth: every record_created event in the log, in seq order (any instance's view).
      const truth: number[] = [];
      for (;;) {
        const after = truth.at(-1) ?? 0;
        const page = await https(
          'GET',
          `/api/events?type=record_created&order=asc&limit=500&afterSeq=${after}`,
          token,
        );
        const events = (page.body as { events: { seq: number }[] }).events;
        if (events.length === 0) break;
        truth.push(...events.map((e) => e.seq));
      }
      expect(truth.length).toBeGreaterThanOrEqual(RECORDS);
      await waitFor(
        () => received.every((seqs) => seqs.length >= truth.length),
        60_000,
        'every client to receive every event',
      );
      for (const seqs of received) expect(seqs).toEqual(truth);
    } finally {
      for (const c of clients) c.disconnect();
    }
  }, 240_000);
});
