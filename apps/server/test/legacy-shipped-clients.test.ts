/**
 * The previous system's frontends as they shipped (mr-wolf-gb/hybrid-dns-server, frontend/src),
 * against the real app over real sockets. Each test sends what one of those clients sends, in
 * its order, and reads the fields its handlers read:
 *
 * - UnifiedWebSocketService (generation 2): `/api/websocket/ws?token=<encoded>`; on open it
 *   flushes its queue (the subscribe a hook made before the socket opened) and re-subscribes
 *   to the same set, both as `{"type":"subscribe","event_types":[…]}`, then pings
 *   `{"type":"ping"}`. Handlers read `data.name` of zones, `data.name` and `data.type` of
 *   records; on `session_expired` it disconnects and raises `session-expired`.
 * - websocketService (generation 1): `/ws/{type}/current-user` with no token at all; it
 *   subscribes with `{"type":"subscribe","events":[…]}`, pings `{"type":"ping"}`, asks
 *   `{"type":"get_stats"}`; on `session_expired` it sends the browser to /login; on close 1008
 *   or 4001 it stops reconnecting.
 * - WebSocketProvider (GlobalWebSocketService, mounted for every signed-in user):
 *   `/api/websocket/ws/admin?token=<encoded>`, pings `{"type":"ping","data":{}}`, subscribes
 *   with `{"type":"subscribe_events","data":{"event_types":[…]}}`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '@hdns/protocol';
import { LEGACY_CLOSE } from '@hdns/protocol/legacy';
import { LegacySocket, REPO_ROOT, TestClient, waitFor } from '@hdns/testkit';
import { startTestServer, type LoginResult, type TestServer } from './helpers.js';

let server: TestServer;
let admin: LoginResult;
let base: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login();
  base = server.url.replace('http', 'ws');
}, 30_000);

afterAll(async () => {
  await server?.close();
});

/** Every legacy socket of this file: the last test checks what they received against the document. */
const opened: LegacySocket[] = [];
function legacy(url: string, headers: Record<string, string> = {}): LegacySocket {
  const s = new LegacySocket(url, headers);
  opened.push(s);
  return s;
}

/**
 * The cookies a browser keeps from Set-Cookie answers and the ones it sends to a path (RFC 6265
 * §5.1.4 path-match): the tokenless legacy tests send only what a real browser would.
 */
class BrowserCookies {
  private readonly jar = new Map<string, { name: string; value: string; path: string }>();

  take(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((p) => p.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attr = (n: string) =>
        attrs.find((a) => a.toLowerCase().startsWith(`${n}=`))?.slice(n.length + 1);
      const path = attr('path') ?? '/';
      const expires = attr('expires');
      const gone =
        value === '' ||
        attr('max-age') === '0' ||
        (expires !== undefined && Date.parse(expires) <= Date.now());
      if (gone) this.jar.delete(`${name};${path}`);
      else this.jar.set(`${name};${path}`, { name, value, path });
    }
  }

  /** The Cookie header a browser sends with a request to `path`. */
  header(path: string): string {
    const matches = (cookiePath: string) =>
      path === cookiePath ||
      (path.startsWith(cookiePath) &&
        (cookiePath.endsWith('/') || path[cookiePath.length] === '/'));
    return [...this.jar.values()]
      .filter((c) => matches(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

/** A dashboard login through the REST API, as the browser keeps it. */
async function browserLogin(): Promise<{ cookies: BrowserCookies; accessToken: string }> {
  const res = await server.api('/api/auth/login', {
    method: 'POST',
    body: { username: 'admin', password: server.adminPassword },
  });
  expect(res.status).toBe(200);
  const cookies = new BrowserCookies();
  cookies.take(res.headers);
  return { cookies, accessToken: (res.body as { accessToken: string }).accessToken };
}

const GEN1_HEALTH = '/ws/health/current-user';

const DNS_EVENTS = [
  'zone_created',
  'zone_updated',
  'zone_deleted',
  'record_created',
  'record_updated',
  'record_deleted',
];

async function createUser(username: string, role: string) {
  const res = await server.api('/api/users', {
    method: 'POST',
    token: admin.accessToken,
    body: { username, password: 'password-123', role },
  });
  expect(res.status).toBe(201);
  const body = res.body as { id: string; version: number };
  return { ...body, token: (await server.login(username, 'password-123')).accessToken };
}

async function createZoneAndRecord(zone: string): Promise<void> {
  const api = (path: string, body: object) =>
    server.api(path, { method: 'POST', token: admin.accessToken, body });
  expect((await api('/api/zones', { name: zone })).status).toBe(201);
  const record = await api(`/api/zones/${zone}/records`, {
    name: 'www',
    type: 'A',
    value: '192.0.2.1',
  });
  expect(record.status).toBe(201);
}

describe('generation 2 as UnifiedWebSocketService shipped', () => {
  it('serves /api/websocket/ws?token=, accepts its top-level event_types, sends zones and records as its handlers read them', async () => {
    const s = legacy(`${base}/api/websocket/ws?token=${encodeURIComponent(admin.accessToken)}`);
    expect(await s.opened).toBe(true);
    s.send({ type: 'subscribe', event_types: DNS_EVENTS }); // queued before open
    s.send({ type: 'subscribe', event_types: DNS_EVENTS }); // onopen's re-subscribe
    s.send({ type: 'ping' });
    expect((await s.next('connection_established')).data).toMatchObject({
      user_id: admin.user.id,
      is_admin: true,
    });
    const updated = (await s.next('subscription_updated', 1)).data;
    expect(updated?.errors).toEqual([]);
    expect(updated?.subscriptions).toEqual(expect.arrayContaining(DNS_EVENTS));
    await s.next('pong');
    expect(s.messages.some((m) => m.type === 'validation_error' || m.type === 'error')).toBe(false);

    await createZoneAndRecord('gen2-shipped.example');
    const zone = await s.next('zone_created');
    // RealTimeNotifications: `Zone "${data.name}" was created`; the catalogue fields stay.
    expect(zone.data).toMatchObject({ name: 'gen2-shipped.example', zone: 'gen2-shipped.example' });
    expect(zone).toMatchObject({ id: expect.any(String), priority: 'high' });
    const record = await s.next('record_created');
    // LiveConfigurationMonitor: `${data.name || data.record_name} (${data.type})`.
    expect(record.data).toMatchObject({ name: 'www', type: 'A', zone: 'gen2-shipped.example' });
    expect(record.data?.after).toMatchObject({ name: 'www', type: 'A', value: '192.0.2.1' });

    s.send({ type: 'unsubscribe', event_types: ['record_created'] });
    const after = (await s.next('subscription_updated', 2)).data;
    expect(after?.subscriptions).not.toContain('record_created');
    expect(after?.subscriptions).toContain('zone_created');
    s.close();
  });
});

describe('generation 1 as websocketService shipped: /ws/{type}/current-user, no token', () => {
  it('without a session: opens (no 404), says what to do in an error, closes 4001', async () => {
    const { cookies } = await browserLogin();
    const tries: Record<string, string>[] = [
      {},
      { Origin: server.url }, // a browser, no session
      // A session but no Origin: not a browser, not accepted.
      { Cookie: cookies.header('/ws/dns_management/current-user') },
      // The refresh cookie itself, were it sent here: it is not the WebSocket session.
      { Origin: server.url, Cookie: admin.refreshCookie },
    ];
    for (const headers of tries) {
      const s = legacy(`${base}/ws/dns_management/current-user`, headers);
      expect(await s.opened).toBe(true);
      const closed = await s.waitClosed();
      expect(closed).toEqual(LEGACY_CLOSE.TOKEN_REQUIRED);
      expect(s.messages).toHaveLength(1);
      expect(s.messages[0]).toMatchObject({ type: 'error', data: { code: 'UNAUTHORIZED' } });
      expect(String(s.messages[0]?.data?.message)).toContain('docs/legacy-migration.md');
    }
  });

  it("with the dashboard's session and its own Origin: subscribes with `events`, pings, asks stats, reads data.name", async () => {
    const { cookies } = await browserLogin();
    // What the browser of a signed-in dashboard sends to this path: the WebSocket session
    // cookie (Path /), never the refresh cookie (Path /api/auth).
    const cookie = cookies.header('/ws/dns_management/current-user');
    expect(cookie).toMatch(/^hdns_ws_session=[^;]+$/);
    const s = legacy(`${base}/ws/dns_management/current-user`, {
      Origin: server.url,
      Cookie: cookie,
    });
    expect(await s.opened).toBe(true);
    s.send({ type: 'subscribe', events: ['health_update'] });
    s.send({ type: 'ping' });
    s.send({ type: 'get_stats' });
    const established = (await s.next('connection_established')).data;
    expect(established?.connection_type).toBe('dns_management');
    expect(established?.subscribed_events).toEqual(expect.arrayContaining(DNS_EVENTS));
    const updated = (await s.next('subscription_updated')).data;
    expect(updated?.subscriptions).toEqual(
      expect.arrayContaining([...DNS_EVENTS, 'health_update']),
    );
    await s.next('pong');
    expect((await s.next('stats')).data).toMatchObject({ connection_type: 'dns_management' });

    await createZoneAndRecord('gen1-shipped.example');
    expect((await s.next('zone_created')).data).toMatchObject({ name: 'gen1-shipped.example' });
    expect((await s.next('record_created')).data).toMatchObject({ name: 'www', type: 'A' });
    expect(
      server.app.hub.connections().find((c) => c.client === 'legacy1/dns_management'),
    ).toMatchObject({ userId: admin.user.id });
    s.close();
  });

  it('a foreign Origin is refused before the upgrade, whatever cookie it carries', async () => {
    const s = legacy(`${base}/ws/dns_management/current-user`, {
      Origin: 'https://evil.example',
      Cookie: (await browserLogin()).cookies.header('/ws/dns_management/current-user'),
    });
    expect(await s.opened).toBe(false);
    expect(s.status).toBe(403);
  });

  it('the session cookie follows the login: valid after refresh, no identity after session end or logout', async () => {
    const connect = (cookie: string) =>
      legacy(`${base}${GEN1_HEALTH}`, {
        Origin: server.url,
        ...(cookie ? { Cookie: cookie } : {}),
      });
    const refused = async (cookie: string) => {
      expect(await connect(cookie).waitClosed()).toEqual(LEGACY_CLOSE.TOKEN_REQUIRED);
    };

    // Refresh, as the dashboard does it: the browser sends what matches /api/auth/refresh.
    const login = await browserLogin();
    const refreshed = await server.api('/api/auth/refresh', {
      method: 'POST',
      cookie: login.cookies.header('/api/auth/refresh'),
      headers: { Origin: server.url },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.getSetCookie().join('\n')).toContain('hdns_ws_session=');
    login.cookies.take(refreshed.headers);
    const live = connect(login.cookies.header(GEN1_HEALTH));
    expect((await live.next('connection_established')).data?.connection_type).toBe('health');

    // Ending the session elsewhere (another of the user's logins) closes the socket, and the
    // cookie the browser still holds is no identity any more.
    const mine = await server.api('/api/account/sessions', {
      token: (refreshed.body as { accessToken: string }).accessToken,
    });
    const current = (mine.body as { sessions: { id: string; current: boolean }[] }).sessions.find(
      (x) => x.current,
    );
    expect(current).toBeDefined();
    const ended = await server.api(`/api/account/sessions/${current?.id ?? ''}`, {
      method: 'DELETE',
      token: admin.accessToken,
    });
    expect(ended.status).toBe(204);
    expect(await live.waitClosed()).toEqual(LEGACY_CLOSE.AUTH_FAILED);
    await refused(login.cookies.header(GEN1_HEALTH));

    // Logout clears the cookie; a copy of its value kept from before is no identity either.
    const other = await browserLogin();
    const kept = other.cookies.header(GEN1_HEALTH);
    const out = await server.api('/api/auth/logout', {
      method: 'POST',
      cookie: other.cookies.header('/api/auth/logout'),
      headers: { Origin: server.url },
    });
    expect(out.status).toBe(204);
    other.cookies.take(out.headers);
    expect(other.cookies.header(GEN1_HEALTH)).toBe('');
    await refused(kept);
  });

  it('with a token, `current-user` and the own id both mean the token user; another id is 1008', async () => {
    const token = encodeURIComponent(admin.accessToken);
    for (const id of ['current-user', admin.user.id]) {
      const s = legacy(`${base}/ws/system/${id}?token=${token}`);
      expect((await s.next('connection_established')).data?.connection_type).toBe('system');
      s.close();
    }
    const other = legacy(`${base}/ws/system/someone-else?token=${token}`);
    expect((await other.waitClosed()).code).toBe(LEGACY_CLOSE.POLICY.code);
  });
});

describe('generation 1 health as the shipped dashboard reads it', () => {
  it('health_update is the summary SET_HEALTH_SUMMARY stores; a critical health_alert raises the toast and ADD_ALERT reads id and level', async () => {
    const token = encodeURIComponent(admin.accessToken);
    const s = legacy(`${base}/ws/health/current-user?token=${token}`);
    await s.next('connection_established');
    const emit = async (type: string, data?: object) => {
      const res = await server.api('/api/admin/events', {
        method: 'POST',
        token: admin.accessToken,
        body: { type, ...(data ? { data } : {}) },
      });
      expect(res.status).toBe(201);
      return res.body as { id: string };
    };
    await emit('health_update');
    const alertData = { severity: 'critical', source: 'bind', message: 'BIND stopped answering' };
    const emitted = await emit('health_alert', alertData);

    // HealthMonitoringContext: dispatch SET_HEALTH_SUMMARY with message.data, rendered from
    // these fields (forwarder_details must be an array).
    const update = await s.next('health_update');
    const summary = update.data ?? {};
    for (const field of [
      'total_forwarders',
      'healthy_forwarders',
      'unhealthy_forwarders',
      'degraded_forwarders',
    ])
      expect(summary[field]).toEqual(expect.any(Number));
    expect(summary.last_updated).toEqual(expect.any(String));
    const details = summary.forwarder_details as Record<string, unknown>[];
    expect(Array.isArray(details)).toBe(true);
    expect(details).toHaveLength(Number(summary.total_forwarders));
    for (const d of details)
      expect(d).toMatchObject({
        id: expect.any(String),
        name: expect.any(String),
        status: expect.any(String),
      });

    // WebSocketContext: `message.type === 'health_alert' && message.severity === 'critical'`
    // shows `Health Alert: ${message.data?.message}`; its notification filter reads
    // `event.severity`. HealthMonitoringContext: ADD_ALERT with message.data, acknowledged by id.
    const alert = await s.next('health_alert');
    expect(alert.type === 'health_alert' && alert.severity === 'critical').toBe(true);
    expect(alert.data?.message).toBe(alertData.message);
    expect(alert.data).toMatchObject({ id: emitted.id, level: 'critical', acknowledged: false });
    expect(alert.event_id).toBe(emitted.id);
    expect(update.severity).toBe('info');
    s.close();
  });
});

describe('generation 1 as the WebSocketProvider shipped: /api/websocket/ws/admin?token=', () => {
  it('a viewer on `admin` gets what its role allows, its pings and subscribe_events answered', async () => {
    const viewer = await createUser('legacy-viewer', 'viewer');
    const s = legacy(`${base}/api/websocket/ws/admin?token=${encodeURIComponent(viewer.token)}`);
    s.send({ type: 'ping', data: {} });
    s.send({ type: 'subscribe_events', data: { event_types: ['zone_created'] } });
    const established = (await s.next('connection_established')).data;
    expect(established?.connection_type).toBe('admin');
    expect(established?.subscribed_events).toContain('zone_created');
    expect(established?.subscribed_events).not.toContain('user_login');
    await s.next('pong');
    expect((await s.next('subscription_updated')).data?.errors).toEqual([]);
    // Its event broadcasting and replay features are gone: answered, the socket stays.
    s.send({ type: 'get_recent_events', data: { limit: 50 } });
    expect((await s.next('error')).data).toMatchObject({ code: 'UNKNOWN_FRAME_TYPE' });
    expect(s.closed).toBeUndefined();
    s.close();
  });
});

describe("another user's session_expired", () => {
  it("does not reach an admin's legacy clients (they would log out); v1 still gets it", async () => {
    const token = encodeURIComponent(admin.accessToken);
    const { client: v1 } = await TestClient.connect(`${base}/ws`, {
      token: admin.accessToken,
      subscribe: ['user', 'system'],
    });
    const gen2 = legacy(`${base}/api/websocket/ws?token=${token}`);
    gen2.send({ type: 'subscribe', event_types: ['session_expired', 'system_status'] });
    await gen2.next('subscription_updated');
    const gen1 = legacy(`${base}/ws/system/current-user?token=${token}`);
    expect((await gen1.next('connection_established')).data?.subscribed_events).toEqual(
      expect.arrayContaining(['session_expired', 'system_status']),
    );

    const user = await createUser('legacy-other', 'viewer');
    const changed = await server.api(`/api/users/${user.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      body: { password: 'password-456', version: user.version },
    });
    expect(changed.status).toBe(200);
    const expired = await waitFor(() => v1.events.find((e) => e.event === 'session_expired'));
    expect(expired.data).toMatchObject({ userId: user.id, reason: 'password_changed' });

    // A later event: legacy clients receive events in order, so by the time it arrives the
    // session_expired before it would have arrived too.
    const marker = await server.api('/api/admin/events', {
      method: 'POST',
      token: admin.accessToken,
      body: { type: 'system_status' },
    });
    expect(marker.status).toBeLessThan(300);
    await gen2.next('system_status');
    await gen1.next('system_status');
    for (const s of [gen2, gen1]) {
      expect(s.messages.filter((m) => m.type === 'session_expired')).toEqual([]);
      expect(s.closed).toBeUndefined();
      s.close();
    }
  });
});

/** The types in the legacy section's "Server messages" table of the generated docs/protocol.md. */
function documentedServerMessages(): string[] {
  const lines = readFileSync(path.join(REPO_ROOT, 'docs/protocol.md'), 'utf8').split('\n');
  const legacy = lines.indexOf('## Legacy protocols');
  const start = lines.indexOf('### Server messages', legacy);
  expect(legacy).toBeGreaterThanOrEqual(0);
  expect(start).toBeGreaterThan(legacy);
  const end = lines.findIndex((l, i) => i > start && /^#{1,3} /.test(l));
  const rows = lines
    .slice(start + 1, end < 0 ? undefined : end)
    .filter((l) => l.startsWith('| '))
    .map((l) => l.slice(1, -1).split(' | ')[0]?.trim() ?? '');
  // The header, the `| --- |` rule, then one row per type in backticks.
  expect(rows[0]).toBe('type');
  return rows.slice(2).map((cell) => cell.replace(/^`|`$/g, ''));
}

describe("the own user's other session", () => {
  it('ending one login session does not reach the legacy clients of another (they would log out)', async () => {
    const token = encodeURIComponent(admin.accessToken);
    const gen1 = legacy(`${base}/ws/system/current-user?token=${token}`);
    expect((await gen1.next('connection_established')).data?.subscribed_events).toContain(
      'session_expired',
    );
    const gen2 = legacy(`${base}/api/websocket/ws?token=${token}`);
    gen2.send({ type: 'subscribe', event_types: ['session_expired', 'system_status'] });
    await gen2.next('subscription_updated');
    // The same user's other login (another browser), with a legacy page of its own.
    const other = await browserLogin();
    // (Another connection type: a user's second socket of one type replaces the first.)
    const otherPage = legacy(`${base}${GEN1_HEALTH}`, {
      Origin: server.url,
      Cookie: other.cookies.header(GEN1_HEALTH),
    });
    await otherPage.next('connection_established');
    const sessions = await server.api('/api/account/sessions', { token: other.accessToken });
    const otherId = (
      sessions.body as { sessions: { id: string; current: boolean }[] }
    ).sessions.find((x) => x.current)?.id;
    const ended = await server.api(`/api/account/sessions/${otherId ?? ''}`, {
      method: 'DELETE',
      token: admin.accessToken,
    });
    expect(ended.status).toBe(204);
    expect(await otherPage.waitClosed()).toEqual(LEGACY_CLOSE.AUTH_FAILED);

    const marker = await server.api('/api/admin/events', {
      method: 'POST',
      token: admin.accessToken,
      body: { type: 'system_status' },
    });
    expect(marker.status).toBe(201);
    await gen1.next('system_status');
    await gen2.next('system_status');
    for (const s of [gen1, gen2]) {
      expect(s.messages.filter((m) => m.type === 'session_expired')).toEqual([]);
      expect(s.closed).toBeUndefined();
      s.close();
    }
  });
});

describe('the document', () => {
  it('lists every non-event message type these clients received (docs/protocol.md "Server messages")', () => {
    const events: readonly string[] = EVENT_TYPES;
    const documented = documentedServerMessages();
    expect(documented.length).toBeGreaterThan(5);
    const received = new Set(
      opened.flatMap((s) => s.messages.map((m) => m.type)).filter((t) => !events.includes(t)),
    );
    expect(received.size).toBeGreaterThan(5);
    for (const type of received) expect(documented).toContain(type);
  });
});
