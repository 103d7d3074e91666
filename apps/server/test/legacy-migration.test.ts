/**
 * HDNS_LEGACY against the real app over real sockets: what a legacy client sees in each mode,
 * what the admin overview (`GET /api/admin/legacy-clients`) then says, and who may read it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LEGACY_CLOSE } from '@hdns/protocol/legacy';
import { legacyClientListSchema, type LegacyClientList } from '@hdns/protocol/rest';
import { waitForValue } from '@hdns/testkit';
import { startTestServer, type TestServer } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Received {
  type: string;
  data?: unknown;
}

/**
 * A legacy socket that keeps every message and its close; `opened` resolves true on 101, false
 * on an HTTP refusal, and rejects when the connection fails without a response.
 */
function legacySocket(url: string, userAgent: string) {
  const ws = new WebSocket(url, { headers: { 'user-agent': userAgent } });
  const messages: Received[] = [];
  ws.on('message', (d: Buffer) => messages.push(JSON.parse(d.toString()) as Received));
  const opened = new Promise<boolean>((resolve, reject) => {
    ws.once('open', () => resolve(true));
    ws.once('unexpected-response', (_req, res) => {
      resolve(false);
      res.resume();
      ws.terminate();
    });
    ws.on('error', reject);
    ws.once('close', () => reject(new Error(`${url}: closed before it opened`)));
  });
  // Settled either way; a test that never awaits it must not see an unhandled rejection.
  opened.catch(() => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  /** Resolves with the first message of `type` (already received or to come). */
  const next = (type: string) =>
    waitForValue(
      () => Promise.resolve(messages.find((m) => m.type === type)),
      (m) => m !== undefined,
      `legacy message ${type}`,
    );
  return { ws, messages, opened, closed, next };
}

async function overview(s: TestServer, token: string): Promise<LegacyClientList> {
  const res = await s.api('/api/admin/legacy-clients', { token });
  expect(res.status).toBe(200);
  return legacyClientListSchema.parse(res.body);
}

const gen2Url = (s: TestServer, token: string) =>
  `${s.url.replace('http', 'ws')}/ws?token=${encodeURIComponent(token)}`;

describe('HDNS_LEGACY', () => {
  it('warn (default): accepted with the deprecation notice, recorded, shown to admins only, connected then last seen', async () => {
    server = await startTestServer();
    const admin = await server.login();
    expect(server.config.realtime.legacy).toBe('warn');
    expect(await overview(server, admin.accessToken)).toEqual({ mode: 'warn', clients: [] });

    // Admins only.
    const created = await server.api('/api/users', {
      token: admin.accessToken,
      body: { username: 'olga', password: 'operator-password-1', role: 'operator', zones: null },
    });
    expect(created.status).toBe(201);
    const operator = await server.login('olga', 'operator-password-1');
    const anonymous = await server.api('/api/admin/legacy-clients');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: 'UNAUTHORIZED' });
    const forbidden = await server.api('/api/admin/legacy-clients', {
      token: operator.accessToken,
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ code: 'FORBIDDEN' });
    expect((await server.api('/api/admin/legacy-clients', { token: 'forged' })).status).toBe(401);

    // A connection type the protocol does not define is no route: refused before anything is
    // recorded, so an authenticated user cannot add rows of made-up types.
    const base = server.url.replace('http', 'ws');
    const madeUp = legacySocket(`${base}/ws/zzz/current-user?token=${admin.accessToken}`, 'x');
    expect(await madeUp.opened).toBe(false);

    const old = legacySocket(gen2Url(server, admin.accessToken), 'OldDashboard/2.0');
    expect(await old.opened).toBe(true);
    await old.next('connection_established');
    await old.next('deprecation_notice');

    const live = await waitForValue(
      () => overview(server!, admin.accessToken),
      (o) => o.clients.some((c) => c.route === 'ws'),
      'the row of the legacy connection',
    );
    expect(live.clients).toHaveLength(1);
    expect(live.clients[0]).toMatchObject({
      userId: admin.user.id,
      username: 'admin',
      generation: 2,
      route: 'ws',
      connectionType: null,
      userAgent: 'OldDashboard/2.0',
      connections: 1,
      refused: 0,
      connectedNow: true,
    });
    const openedAt = live.clients[0]?.lastSeenAt ?? '';

    old.ws.close();
    await old.closed;
    const after = await waitForValue(
      () => overview(server!, admin.accessToken),
      (o) => o.clients[0]?.connectedNow === false && o.clients[0].lastSeenAt > openedAt,
      'the row to show the socket closed',
    );
    expect(after.clients).toHaveLength(1);
    expect(after.clients[0]?.firstSeenAt).toBe(openedAt);
  });

  it('on: accepted without the deprecation notice', async () => {
    server = await startTestServer({ env: { HDNS_LEGACY: 'on' } });
    const admin = await server.login();
    const old = legacySocket(gen2Url(server, admin.accessToken), 'OldDashboard/2.0');
    expect(await old.opened).toBe(true);
    await old.next('connection_established');
    // The notice would follow the greeting at once; a pong after it proves none was sent.
    old.ws.send(JSON.stringify({ type: 'ping' }));
    await old.next('pong');
    expect(old.messages.map((m) => m.type)).not.toContain('deprecation_notice');
    const o = await overview(server, admin.accessToken);
    expect(o.mode).toBe('on');
    expect(o.clients.map((c) => [c.generation, c.route, c.connections])).toEqual([[2, 'ws', 1]]);
    old.ws.close();
    await old.closed;
  });

  it('off: the upgrade opens, gets an error naming the guide, closes 1008; counted and recorded', async () => {
    server = await startTestServer({ env: { HDNS_LEGACY: 'off' } });
    const admin = await server.login();
    const base = server.url.replace('http', 'ws');
    const gen1 = legacySocket(
      `${base}/ws/health/${admin.user.id}?token=${admin.accessToken}`,
      'OldDashboard/1.0',
    );
    expect(await gen1.opened).toBe(true);
    expect(await gen1.closed).toEqual(LEGACY_CLOSE.DISABLED);
    expect(LEGACY_CLOSE.DISABLED.reason).toContain('docs/legacy-migration.md');
    expect(gen1.messages).toEqual([
      {
        type: 'error',
        data: { code: 'FORBIDDEN', message: expect.stringContaining('docs/legacy-migration.md') },
        timestamp: expect.any(String),
      },
    ]);
    const gen2 = legacySocket(gen2Url(server, admin.accessToken), 'OldDashboard/2.0');
    expect(await gen2.opened).toBe(true);
    expect((await gen2.closed).code).toBe(1008);
    // The mode decides before any credential is looked at: no token (what the shipped gen-1
    // websocketService sends) and a forged one get the same answer, not TOKEN_REQUIRED or
    // AUTH_FAILED; they are counted but recorded for nobody (no user is verified).
    for (const [url, agent] of [
      [`${base}/ws/health/current-user`, 'OldDashboard/1.0'],
      [`${base}/api/websocket/ws?token=forged`, 'OldDashboard/2.0'],
    ] as const) {
      const s = legacySocket(url, agent);
      expect(await s.opened).toBe(true);
      expect(await s.closed).toEqual(LEGACY_CLOSE.DISABLED);
      expect(s.messages).toEqual(
        gen1.messages.map((m) => ({ ...m, timestamp: expect.any(String) })),
      );
    }
    expect(server.app.hub.connections()).toEqual([]);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/hdns_ws_legacy_total\{generation="1",kind="refused"\} 2\b/);
    expect(metrics).toMatch(/hdns_ws_legacy_total\{generation="2",kind="refused"\} 2\b/);
    expect(metrics).not.toMatch(/hdns_ws_legacy_total\{[^}]*kind="connection"\}/);

    const o = await waitForValue(
      () => overview(server!, admin.accessToken),
      (list) => list.clients.length === 2,
      'both refusals recorded',
    );
    expect(o.mode).toBe('off');
    expect(
      o.clients
        .map((c) => [
          c.generation,
          c.route,
          c.connectionType,
          c.connections,
          c.refused,
          c.connectedNow,
        ])
        .sort(),
    ).toEqual([
      [1, 'ws-type', 'health', 0, 1, false],
      [2, 'ws', null, 0, 1, false],
    ]);
    // v1 is untouched by the mode.
    const v1 = new WebSocket(server.wsUrl);
    await new Promise((resolve) => v1.once('open', resolve));
    v1.send(JSON.stringify({ type: 'hello', id: 'h', protocol: 1, token: admin.accessToken }));
    const welcome = await new Promise<string>((resolve) =>
      v1.once('message', (d: Buffer) => resolve(d.toString())),
    );
    expect(JSON.parse(welcome)).toMatchObject({ type: 'welcome' });
    v1.close();
  });
});
