/**
 * Sessions are the cluster's, not one instance's: two server processes on one PostgreSQL and one
 * Redis. The per-user limit and supersede-by-instanceId hold across instances, an admin
 * disconnect and a password change on one instance close the user's sockets on the other, and
 * the admin API of either lists and counts every instance's connections. A killed instance's
 * connections leave the cluster after its heartbeat deadline.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@hdns/protocol';
import type { Connection, RealtimeStats } from '@hdns/protocol/rest';
import {
  startClusterServices,
  startProcessServer,
  TestClient,
  waitForValue,
  type ClusterServices,
  type ProcessServer,
} from '@hdns/testkit';

let services: ClusterServices;
let a: ProcessServer;
let b: ProcessServer;
let env: Record<string, string>;
let admin: string;
const clients: TestClient[] = [];

beforeAll(async () => {
  services = await startClusterServices();
  env = {
    ...services.env,
    HDNS_WS_MAX_PER_USER: '2',
  };
  a = await startProcessServer({ env });
  b = await startProcessServer({ env });
  admin = (await a.login()).accessToken;
}, 90_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await a?.close();
  await b?.close();
  await services?.close();
});

let users = 0;
/** A new operator; returns their id, credentials and a token (a login on B). */
async function newUser(): Promise<{
  id: string;
  username: string;
  password: string;
  token: string;
  version: number;
}> {
  const username = `op${++users}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const res = await a.api('/api/users', {
    token: admin,
    body: { username, password, role: 'operator' },
  });
  expect(res.status).toBe(201);
  const user = res.body as { id: string; version: number };
  return {
    id: user.id,
    username,
    password,
    version: user.version,
    token: (await b.login(username, password)).accessToken,
  };
}

async function connect(s: ProcessServer, token: string, instanceId?: string): Promise<TestClient> {
  const { client } = await TestClient.connect(s.wsUrl, {
    token,
    subscribe: ['zone_created'],
    ...(instanceId ? { instanceId } : {}),
  });
  clients.push(client);
  return client;
}

const listed = async (s: ProcessServer, userId: string) =>
  (
    (await s.api('/api/admin/connections', { token: admin })).body as { connections: Connection[] }
  ).connections.filter((c) => c.userId === userId);

/** A new user with one socket on B, once A's admin view lists it (the cluster registered it). */
async function userOnBSeenFromA(): Promise<{
  user: Awaited<ReturnType<typeof newUser>>;
  onB: TestClient;
}> {
  const user = await newUser();
  const onB = await connect(b, user.token);
  await waitForValue(
    () => listed(a, user.id),
    (l) => l.length === 1,
    'listed on A',
  );
  return { user, onB };
}

describe('sessions across instances', () => {
  it('a third connection on B supersedes the oldest on A (limit 2 per user, cluster-wide)', async () => {
    const user = await newUser();
    const first = await connect(a, user.token);
    const second = await connect(a, user.token);
    await waitForValue(
      () => listed(b, user.id),
      (l) => l.length === 2,
      'two listed on B',
    );
    await connect(b, user.token);
    expect((await first.waitClosed()).code).toBe(CloseCode.SUPERSEDED);
    const now = await waitForValue(
      () => listed(a, user.id),
      (l) => l.length === 2,
      'two left',
    );
    expect(now.map((c) => c.node).filter((n) => n !== undefined)).toHaveLength(2);
    expect(second.ws.readyState).toBe(second.ws.OPEN);
  }, 30_000);

  it('the same browser (instanceId) moving from A to B supersedes its old socket', async () => {
    const user = await newUser();
    const old = await connect(a, user.token, 'browser-1');
    const otherBrowser = await connect(a, user.token, 'browser-2');
    await connect(b, user.token, 'browser-1');
    expect((await old.waitClosed()).code).toBe(CloseCode.SUPERSEDED);
    expect(otherBrowser.ws.readyState).toBe(otherBrowser.ws.OPEN);
  }, 30_000);

  it('an admin disconnect on A closes the user on B with KICKED and counts it', async () => {
    const { user, onB } = await userOnBSeenFromA();
    const res = await a.api(`/api/admin/connections/users/${user.id}`, {
      token: admin,
      method: 'DELETE',
    });
    expect(res.body).toEqual({ closed: 1 });
    expect((await onB.waitClosed()).code).toBe(CloseCode.KICKED);
  }, 30_000);

  it('a password change on A closes the user on B with CREDENTIALS_REVOKED', async () => {
    const user = await newUser();
    const onB = await connect(b, user.token);
    const res = await a.api(`/api/users/${user.id}`, {
      token: admin,
      method: 'PATCH',
      body: { password: `new-${randomBytes(8).toString('hex')}`, version: user.version },
    });
    expect(res.status).toBe(200);
    expect((await onB.waitClosed()).code).toBe(CloseCode.CREDENTIALS_REVOKED);
  }, 30_000);

  it('revoking an API token on A closes its socket on B with CREDENTIALS_REVOKED, and only it', async () => {
    const user = await newUser();
    const created = await a.api('/api/tokens', { token: user.token, body: { name: 'follower' } });
    expect(created.status).toBe(201);
    const apiToken = created.body as { token: { id: string }; secret: string };
    const byToken = await connect(b, apiToken.secret, 'token-client');
    const own = await connect(b, user.token, 'browser');
    await waitForValue(
      () => listed(a, user.id),
      (l) => l.length === 2,
      'both listed on A',
    );
    const revoked = await a.api(`/api/tokens/${apiToken.token.id}`, {
      method: 'DELETE',
      token: user.token,
    });
    expect(revoked.status).toBe(204);
    expect((await byToken.waitClosed()).code).toBe(CloseCode.CREDENTIALS_REVOKED);
    await own.request({ type: 'ping' }, 'pong');
    expect(own.closed).toBeUndefined();
  }, 30_000);

  it("ending a login session on A closes its socket on B; the user's other session stays", async () => {
    const user = await newUser();
    // The session `user.token` belongs to (a login on B), as its owner lists it.
    const mine = await b.api('/api/account/sessions', { token: user.token });
    expect(mine.status).toBe(200);
    const current = (mine.body as { sessions: { id: string; current: boolean }[] }).sessions.find(
      (s) => s.current,
    );
    expect(current).toBeDefined();
    const onB = await connect(b, user.token, 'laptop');
    const other = (await a.login(user.username, user.password)).accessToken;
    const stays = await connect(b, other, 'phone');
    await waitForValue(
      () => listed(a, user.id),
      (l) => l.length === 2,
      'both listed on A',
    );
    const ended = await a.api(`/api/account/sessions/${current?.id ?? ''}`, {
      method: 'DELETE',
      token: other,
    });
    expect(ended.status).toBe(204);
    expect((await onB.waitClosed()).code).toBe(CloseCode.CREDENTIALS_REVOKED);
    await stays.request({ type: 'ping' }, 'pong');
    expect(stays.closed).toBeUndefined();
  }, 30_000);

  it('/api/admin/realtime counts every instance; a killed instance leaves the count', async () => {
    const user = await newUser();
    await connect(a, user.token);
    const c = await startProcessServer({ env });
    const stats = (s: ProcessServer) =>
      s.api('/api/admin/realtime', { token: admin }).then((r) => r.body as RealtimeStats);
    try {
      await connect(c, user.token);
      // An instance lists itself first.
      const cNode = (await stats(c)).nodes?.[0]?.node;
      const before = await waitForValue(
        () => stats(a),
        (s) => s.nodes?.find((n) => n.node === cNode)?.connections === 1,
        'C counted on A',
      );
      expect(before.nodes).toHaveLength(3);
      expect(before.connections).toBe(sum(before));
      expect((await listed(b, user.id)).map((x) => x.node)).toContain(cNode);
      await c.proc.kill();
      // Its heartbeat deadline is 10 s: what it held leaves the cluster after that.
      const after = await waitForValue(
        () => stats(a),
        (s) => s.nodes?.length === 2,
        'killed instance forgotten',
        20_000,
        250,
      );
      expect(after.nodes?.map((n) => n.node)).not.toContain(cNode);
      expect(after.connections).toBe(sum(after));
      const left = await listed(b, user.id);
      expect(left).toHaveLength(1);
      expect(left[0]?.node).not.toBe(cNode);
    } finally {
      await c.close();
    }
  }, 60_000);
});

describe('sessions across instances with Redis away', () => {
  it('admin views answer 503 CLUSTER_UNAVAILABLE, a disconnect is pending until Redis is back, SIGTERM exits promptly', async () => {
    const { user, onB } = await userOnBSeenFromA();
    const c = await startProcessServer({ env });
    try {
      await services.redis.stop();
      for (const path of ['/api/admin/connections', '/api/admin/realtime']) {
        const t = Date.now();
        const res = await a.api(path, { token: admin });
        expect(Date.now() - t).toBeLessThan(5_000);
        expect(res.status).toBe(503);
        expect((res.body as { code: string }).code).toBe('CLUSTER_UNAVAILABLE');
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      const t = Date.now();
      const res = await a.api(`/api/admin/connections/users/${user.id}`, {
        token: admin,
        method: 'DELETE',
      });
      expect(Date.now() - t).toBeLessThan(5_000);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ closed: 0, pending: true });
      expect(onB.ws.readyState).toBe(onB.ws.OPEN);
      // An instance leaving while Redis is down does not wait for it.
      const stopping = Date.now();
      await c.proc.stop();
      expect(Date.now() - stopping).toBeLessThan(8_000);
      expect(c.proc.child.exitCode).toBe(0);
    } finally {
      await services.redis.restart();
      await c.close();
    }
    // A's next heartbeats retry the revocation: B closes the user's socket.
    expect((await onB.waitClosed(20_000)).code).toBe(CloseCode.KICKED);
    const back = await waitForValue(
      () => a.api('/api/admin/connections', { token: admin }),
      (r) => r.status === 200,
      'admin view back',
      20_000,
      250,
    );
    expect(back.status).toBe(200);
  }, 90_000);
});

const sum = (s: RealtimeStats) => (s.nodes ?? []).reduce((n, x) => n + x.connections, 0);
