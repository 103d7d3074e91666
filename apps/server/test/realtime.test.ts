import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode, EXAMPLE_EVENTS, REDACTED } from '@hdns/protocol';
import { TestClient, sleep, waitFor } from '@hdns/testkit';
import { startTestServer, type TestServer } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const wsUrl = (s: TestServer) => `${s.url.replace('http', 'ws')}/ws`;

async function createUser(
  s: TestServer,
  adminToken: string,
  username: string,
  role: string,
  zones: string[] | null = null,
) {
  const res = await s.api('/api/users', {
    method: 'POST',
    token: adminToken,
    body: { username, password: 'password-123', role, zones },
  });
  expect(res.status).toBe(201);
  const login = await s.login(username, 'password-123');
  return { id: (res.body as { id: string }).id, token: login.accessToken };
}

/** Upgrade attempt with custom headers; resolves to the HTTP status of a refusal or 101. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => undefined);
  });
}

describe('realtime over the real app', () => {
  it('authenticates with a real JWT in hello and delivers an admin test event', async () => {
    server = await startTestServer();
    const admin = await server.login();
    const { client, welcome } = await TestClient.connect(wsUrl(server), {
      token: admin.accessToken,
      subscribe: ['dns'],
    });
    expect(welcome.user).toMatchObject({ username: 'admin', role: 'admin', zones: null });
    const emitted = await server.api('/api/admin/events', {
      method: 'POST',
      token: admin.accessToken,
      body: { type: 'zone_created' },
    });
    expect(emitted.status).toBe(201);
    const [event] = await client.waitForEvents(1);
    expect(event).toMatchObject({
      event: 'zone_created',
      data: EXAMPLE_EVENTS.zone_created,
      meta: { actor: { username: 'admin' } },
    });
  });

  it('accepts an Authorization header on upgrade; refuses a foreign Origin and a bad bearer before upgrading', async () => {
    server = await startTestServer();
    const admin = await server.login();
    const ws = new WebSocket(wsUrl(server), {
      headers: { authorization: `Bearer ${admin.accessToken}` },
    });
    const client = await new Promise<TestClient>((resolve) =>
      ws.once('open', () => resolve(TestClient.wrap(ws))),
    );
    client.send({ type: 'hello', id: 'h', protocol: 1 });
    expect((await client.next('welcome')).user.username).toBe('admin');
    expect(await upgradeStatus(wsUrl(server), { origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(wsUrl(server), { authorization: 'Bearer nope' })).toBe(401);
    expect(await upgradeStatus(`${server.url.replace('http', 'ws')}/elsewhere`, {})).toBe(404);
  });

  it('refuses forged tokens (alg none) with AUTH_FAILED and audits the failure without the token', async () => {
    server = await startTestServer();
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ sub: 'x', role: 'admin', exp: 9999999999 }),
    ).toString('base64url');
    const forged = `${header}.${payload}.`;
    const client = await TestClient.open(wsUrl(server));
    client.send({ type: 'hello', id: 'h', protocol: 1, token: forged });
    expect(await client.next('error')).toMatchObject({ code: 'AUTH_FAILED' });
    expect((await client.waitClosed()).code).toBe(CloseCode.AUTH_FAILED);
    // The hub reports the outcome and the audit row is written beside the close, not before
    // it (onAuth does not hold the socket): wait for the row rather than race it.
    const live = server;
    const entries = await waitFor(
      async () => {
        const rows = await live.app.auditLog.list({ action: 'ws_auth_failure' });
        return rows.length > 0 ? rows : undefined;
      },
      10_000,
      'the ws_auth_failure audit row',
    );
    expect(entries).toHaveLength(1);
    expect(JSON.stringify(entries)).not.toContain(forged);
  });

  it('lists live connections for admins, disconnects a user with KICKED, and forbids viewers', async () => {
    server = await startTestServer();
    const admin = await server.login();
    const viewer = await createUser(server, admin.accessToken, 'vera', 'viewer');
    const v = await TestClient.connect(wsUrl(server), { token: viewer.token });
    const list = await server.api('/api/admin/connections', { token: admin.accessToken });
    expect(
      (list.body as { connections: { username: string; protocol: string }[] }).connections,
    ).toEqual([expect.objectContaining({ username: 'vera', protocol: 'v1' })]);
    expect((await server.api('/api/admin/connections', { token: viewer.token })).status).toBe(403);
    const kicked = await server.api(`/api/admin/connections/users/${viewer.id}`, {
      method: 'DELETE',
      token: admin.accessToken,
    });
    expect(kicked.body).toEqual({ closed: 1 });
    expect((await v.client.waitClosed()).code).toBe(CloseCode.KICKED);
  });

  it('turns logins and permission changes into live events; the changed user reconnects with the new rights', async () => {
    server = await startTestServer();
    const admin = await server.login();
    const watcher = await TestClient.connect(wsUrl(server), {
      token: admin.accessToken,
      subscribe: ['user'],
    });
    const op = await createUser(server, admin.accessToken, 'otto', 'operator', null);
    const otto = await TestClient.connect(wsUrl(server), { token: op.token, subscribe: ['dns'] });
    const events = await watcher.client.waitForEvents(1);
    expect(events.map((e) => e.event)).toContain('user_login');
    // Narrow otto to one zone while connected.
    const current = await server.api(`/api/users/${op.id}`, { token: admin.accessToken });
    const version = (current.body as { version: number }).version;
    const patched = await server.api(`/api/users/${op.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      body: { zones: ['example.com'], version },
    });
    expect(patched.status).toBe(200);
    const changed = await watcher.client.waitFor(() =>
      watcher.client.events.find((e) => e.event === 'permission_changed'),
    );
    expect(changed.data).toMatchObject({
      username: 'otto',
      before: { zones: null },
      after: { role: 'operator', zones: ['example.com'] },
    });
    // Otto's token is void: the socket closes, and a fresh login gets the narrowed rights.
    expect((await otto.client.waitClosed()).code).toBe(CloseCode.PERMISSIONS_CHANGED);
    const relogin = await server.login('otto', 'password-123');
    const again = await TestClient.connect(wsUrl(server), {
      token: relogin.accessToken,
      subscribe: ['dns'],
    });
    expect(again.welcome.user.zones).toEqual(['example.com']);
    await server.app.hub.publish('zone_created', {
      ...EXAMPLE_EVENTS.zone_created,
      zone: 'other.org',
    });
    await server.app.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    const got = await again.client.waitForEvents(1);
    await sleep(100);
    expect(got.map((e) => (e.data as { zone: string }).zone)).toEqual(['example.com']);
  });

  it('serves history redacted per role, with acks and unread counts', async () => {
    server = await startTestServer();
    const admin = await server.login();
    const viewer = await createUser(server, admin.accessToken, 'vicky', 'viewer');
    for (let i = 0; i < 3; i++)
      await server.app.hub.publish('dns_query_log', EXAMPLE_EVENTS.dns_query_log);
    await server.app.hub.publish('user_login', EXAMPLE_EVENTS.user_login);
    const seen = await server.api('/api/events?type=dns_query_log&limit=2', {
      token: viewer.token,
    });
    const page = seen.body as {
      events: { seq: number; data: { clientIp: string }; acked: boolean }[];
      nextBeforeSeq: number;
    };
    expect(page.events.map((e) => e.data.clientIp)).toEqual([REDACTED, REDACTED]);
    expect(page.nextBeforeSeq).toBe(page.events[1]?.seq);
    const all = (await server.api('/api/events', { token: viewer.token })).body as {
      events: { event: string }[];
    };
    expect(all.events.map((e) => e.event)).not.toContain('user_login');
    const adminView = (
      await server.api('/api/events?type=dns_query_log&limit=1', { token: admin.accessToken })
    ).body as typeof page;
    expect(adminView.events[0]?.data.clientIp).toBe(EXAMPLE_EVENTS.dns_query_log.clientIp);

    const unread = (await server.api('/api/events/unread', { token: viewer.token })).body as {
      total: number;
      byCategory: Record<string, number>;
    };
    expect(unread.byCategory.query).toBe(3);
    const ack = await server.api('/api/events/ack', {
      method: 'POST',
      token: viewer.token,
      body: { ids: [(page.events[0] as unknown as { id: string }).id] },
    });
    expect(ack.body).toMatchObject({ acked: 1, unread: { total: unread.total - 1 } });
    const upTo = await server.api('/api/events/ack', {
      method: 'POST',
      token: viewer.token,
      body: { upToSeq: (seen.body as { lastSeq: number }).lastSeq },
    });
    expect(upTo.body).toMatchObject({ acked: unread.total - 1, unread: { total: 0 } });
  });

  it('exports Prometheus metrics of the hub', async () => {
    server = await startTestServer();
    const admin = await server.login();
    await TestClient.connect(wsUrl(server), { token: admin.accessToken });
    const res = await fetch(`${server.url}/metrics`);
    const text = await res.text();
    expect(text).toMatch(/hdns_ws_connections\{protocol="v1"\} 1/);
    expect(text).toContain('hdns_publish_to_write_seconds_bucket');
    expect(text).toContain('hdns_ws_auth_failures_total');
  });

  it('closes every socket with SERVER_RESTARTING on shutdown', async () => {
    server = await startTestServer();
    const admin = await server.login();
    const { client } = await TestClient.connect(wsUrl(server), { token: admin.accessToken });
    await server.close();
    expect((await client.waitClosed()).code).toBe(CloseCode.SERVER_RESTARTING);
    server = undefined;
  });
});

describe('legacy clients on the real app', () => {
  it('serves /ws/health/{user_id}?token= and /ws?token= with their old shapes beside a v1 tab', async () => {
    server = await startTestServer();
    const admin = await server.login();
    const base = server.url.replace('http', 'ws');
    const frames = (ws: WebSocket) => {
      const got: { type: string; data?: unknown }[] = [];
      ws.on('message', (d: Buffer) => got.push(JSON.parse(d.toString()) as { type: string }));
      return got;
    };
    const v1 = await TestClient.connect(wsUrl(server), {
      token: admin.accessToken,
      subscribe: ['health'],
    });
    const gen1 = new WebSocket(`${base}/ws/health/${admin.user.id}?token=${admin.accessToken}`);
    const gen1Frames = frames(gen1);
    const gen2 = new WebSocket(`${base}/ws?token=${admin.accessToken}`);
    const gen2Frames = frames(gen2);
    await waitFor(
      () =>
        gen1Frames.some((f) => f.type === 'connection_established') &&
        gen2Frames.some((f) => f.type === 'connection_established'),
    );
    await server.app.hub.publish('health_alert', EXAMPLE_EVENTS.health_alert);
    await v1.client.waitForEvents(1);
    await waitFor(
      () =>
        gen1Frames.some((f) => f.type === 'health_alert') &&
        gen2Frames.some((f) => f.type === 'health_alert'),
    );
    expect(gen1Frames.find((f) => f.type === 'health_alert')).toMatchObject({
      data: EXAMPLE_EVENTS.health_alert,
      timestamp: expect.any(String),
    });
    expect(gen2Frames.find((f) => f.type === 'health_alert')).toMatchObject({
      id: expect.any(String),
      priority: 'high',
    });
    // Legacy sockets and the v1 tab do not supersede each other.
    expect(v1.client.closed).toBeUndefined();
    expect(
      server.app.hub
        .connections()
        .map((c) => c.protocol)
        .sort(),
    ).toEqual(['legacy1', 'legacy2', 'v1']);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/hdns_ws_legacy_total\{generation="1",kind="connection"\} 1/);
    gen1.close();
    gen2.close();
  });

  it('closes a legacy socket whose path user does not match the token (1008) and a bad token (4001)', async () => {
    server = await startTestServer();
    const admin = await server.login();
    const base = server.url.replace('http', 'ws');
    const closeOf = (url: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url);
        ws.on('close', (code) => resolve(code));
        ws.on('error', () => undefined);
      });
    expect(await closeOf(`${base}/ws/health/someone-else?token=${admin.accessToken}`)).toBe(1008);
    expect(await closeOf(`${base}/ws?token=forged`)).toBe(4001);
  });
});
