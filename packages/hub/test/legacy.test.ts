import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  CloseCode,
  EVENT_TYPES,
  EXAMPLE_EVENTS,
  NOTICE_CODES,
  REDACTED,
  type EventType,
} from '@hdns/protocol';
import {
  LEGACY_CLOSE,
  LEGACY_MIGRATION_GUIDE,
  LEGACY_TEXT_PING,
  LEGACY_TEXT_PONG,
  legacyEventGen1,
  legacyEventGen2,
  legacyPreset,
} from '@hdns/protocol/legacy';
import { attachLegacy, type Hub, type HubOptions } from '../src/index.js';
import { sleep, startHub, TestClient, token, verifyTestToken, type TestHub } from '@hdns/testkit';

/**
 * Legacy routes as the app mounts them: `/ws/{type}/{user_id}?token=` (gen1) and `/ws?token=`
 * (gen2); anything else is v1. The app verifies the token before the upgrade; here it happens
 * right after, before the client (which waits for connection_established) sends anything.
 */
function legacyRoute(hub: Hub, socket: WebSocket, req: IncomingMessage): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const raw = url.searchParams.get('token');
  const gen1 = /^\/ws\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  if (raw === null || (!gen1 && url.pathname !== '/ws')) return false;
  verifyTestToken(raw).then(
    (identity) => {
      if (gen1 && gen1[2] !== identity.userId) {
        socket.close(LEGACY_CLOSE.POLICY.code, LEGACY_CLOSE.POLICY.reason);
        return;
      }
      const ip = req.socket.remoteAddress ?? '';
      void attachLegacy(hub, socket, {
        ip,
        identity,
        ...(gen1 ? { generation: 1, connectionType: gen1[1] } : { generation: 2 }),
      });
    },
    () => socket.close(LEGACY_CLOSE.AUTH_FAILED.code, LEGACY_CLOSE.AUTH_FAILED.reason),
  );
  return true;
}

type Msg = Record<string, unknown> & { type: string; data?: Record<string, unknown> };
const isEvent = (m: Msg): boolean => (EVENT_TYPES as readonly string[]).includes(m.type);

/** A plain ws client recording every legacy message (the v1 TestClient would reject them). */
class LegacyClient {
  readonly messages: Msg[] = [];
  /** Messages that are not JSON (the bare text `pong`), in order. */
  readonly texts: string[] = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text.startsWith('{')) this.messages.push(JSON.parse(text) as Msg);
      else this.texts.push(text);
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static async open(url: string): Promise<LegacyClient> {
    const client = new LegacyClient(new WebSocket(url));
    await new Promise((resolve, reject) => client.ws.once('open', resolve).once('error', reject));
    return client;
  }

  static async connect(url: string): Promise<{ client: LegacyClient; established: Msg }> {
    const client = await LegacyClient.open(url);
    return { client, established: await client.next('connection_established') };
  }

  get events(): Msg[] {
    return this.messages.filter(isEvent);
  }

  send(message: object | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message of `type` after the first `from` messages. */
  next(type: string, from = 0): Promise<Msg> {
    return this.waitFor(() => this.messages.slice(from).find((m) => m.type === type));
  }

  /** Sends and waits for the reply of `type` that follows it. */
  request(message: object, reply: string): Promise<Msg> {
    const from = this.messages.length;
    this.send(message);
    return this.next(reply, from);
  }

  waitForEvents(n: number): Promise<Msg[]> {
    return this.waitFor(() => (this.events.length >= n ? this.events : undefined));
  }

  waitClosed(): Promise<{ code: number; reason: string }> {
    return this.waitFor(() => this.closed);
  }

  /** The first non-JSON message after the first `from` ones. */
  nextText(from = 0): Promise<string> {
    return this.waitFor(() => this.texts[from]);
  }

  private waitFor<T>(check: () => T | undefined, timeoutMs = 5_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting')), timeoutMs);
      const attempt = (): void => {
        const value = check();
        if (value === undefined) {
          this.waiters.push(attempt);
          return;
        }
        clearTimeout(timer);
        resolve(value);
      };
      attempt();
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

let t: TestHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Legacy frontends open one socket per type side by side, so the per-user limit is raised. */
async function start(options: Partial<HubOptions> = {}): Promise<TestHub> {
  t = await startHub(
    { maxConnectionsPerUser: 10, batchDelayMs: 5, ...options },
    { route: legacyRoute },
  );
  return t;
}
const q = (raw: string): string => encodeURIComponent(raw);
const gen1Url = (h: TestHub, type: string, id: string, role: string): string =>
  `${h.url}/ws/${type}/${id}?token=${q(token(id, role))}`;
const gen2Url = (h: TestHub, id: string, role: string, ttlMs?: number): string =>
  `${h.url}/ws?token=${q(token(id, role, null, ttlMs))}`;
const sorted = (types: readonly string[]): string[] => [...types].sort();

describe('legacy generation 1: /ws/{type}/{user_id}', () => {
  it('health: connection_established with the preset, a deprecation notice, events as {type,data,timestamp}', async () => {
    const h = await start();
    const { client, established } = await LegacyClient.connect(
      gen1Url(h, 'health', 'u1', 'viewer'),
    );
    expect(established.data).toEqual({
      connection_type: 'health',
      subscribed_events: sorted(legacyPreset('health')),
    });
    const notice = await client.next('deprecation_notice');
    expect(notice.data).toMatchObject({
      code: 'legacy_protocol',
      message: expect.stringContaining(LEGACY_MIGRATION_GUIDE),
      migrate_to: '/ws (protocol v1)',
    });
    expect(client.messages.map((m) => m.type)).toEqual([
      'connection_established',
      'deprecation_notice',
    ]);
    await h.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    await h.hub.publish('health_update', EXAMPLE_EVENTS.health_update);
    const [event] = await client.waitForEvents(1);
    expect(Object.keys(event ?? {}).sort()).toEqual([
      'category',
      'data',
      'event_id',
      'severity',
      'timestamp',
      'type',
    ]);
    expect(legacyEventGen1.parse(event)).toMatchObject({
      type: 'health_update',
      data: EXAMPLE_EVENTS.health_update,
    });
    expect(client.events).toHaveLength(1);
  });

  it('dns_management gets zone events but not health', async () => {
    const h = await start();
    const { client, established } = await LegacyClient.connect(
      gen1Url(h, 'dns_management', 'u1', 'viewer'),
    );
    expect(established.data?.subscribed_events).toContain('zone_created');
    await h.hub.publish('health_update', EXAMPLE_EVENTS.health_update);
    await h.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    await h.hub.publish('zone_deleted', EXAMPLE_EVENTS.zone_deleted);
    const events = await client.waitForEvents(2);
    expect(events.map((e) => e.type)).toEqual(['zone_created', 'zone_deleted']);
  });

  it('a second socket of the same type replaces the first with 1000 "Replaced by new connection"', async () => {
    const h = await start();
    const first = await LegacyClient.connect(gen1Url(h, 'health', 'u1', 'viewer'));
    const other = await LegacyClient.connect(gen1Url(h, 'dns_management', 'u1', 'viewer'));
    const second = await LegacyClient.connect(gen1Url(h, 'health', 'u1', 'viewer'));
    expect(await first.client.waitClosed()).toEqual(LEGACY_CLOSE.REPLACED);
    await sleep(50);
    expect(other.client.closed).toBeUndefined();
    expect(second.client.closed).toBeUndefined();
    expect(sorted(h.hub.connections().map((c) => c.client ?? ''))).toEqual([
      'legacy1/dns_management',
      'legacy1/health',
    ]);
  });

  it('narrows the admin type to the role for non-admins, and refuses unknown types with 1008', async () => {
    const h = await start();
    // The old dashboard opens `admin` for every user: an operator gets what its role allows.
    const operator = await LegacyClient.connect(gen1Url(h, 'admin', 'v', 'operator'));
    const narrowed = operator.established.data?.subscribed_events as string[];
    expect(narrowed).toContain('zone_created');
    expect(narrowed).not.toContain('user_login');
    expect(narrowed).not.toContain('session_expired');
    const bogus = await LegacyClient.open(gen1Url(h, 'bogus', 'v', 'admin'));
    expect(await bogus.waitClosed()).toEqual(LEGACY_CLOSE.POLICY);
    expect(bogus.messages).toEqual([]);
    const { established } = await LegacyClient.connect(gen1Url(h, 'admin', 'a', 'admin'));
    expect(established.data?.subscribed_events).toEqual(sorted(EVENT_TYPES));
  });

  it('answers ping, subscribe (adding to the preset), get_stats, and refuses gen2-only messages', async () => {
    const h = await start();
    const { client } = await LegacyClient.connect(gen1Url(h, 'health', 'u1', 'viewer'));
    expect(await client.request({ type: 'ping' }, 'pong')).toHaveProperty('timestamp');
    const updated = await client.request(
      { type: 'subscribe', data: { event_types: ['zone_created', 'nope'] } },
      'subscription_updated',
    );
    expect(updated.data?.subscriptions).toEqual(
      sorted([...legacyPreset('health'), 'zone_created']),
    );
    expect(updated.data?.errors).toEqual(['Unknown event type: nope']);
    const stats = await client.request({ type: 'get_stats' }, 'stats');
    expect(stats.data).toMatchObject({ connection_type: 'health', messages_received: 3 });
    const refused = await client.request({ type: 'get_subscription_info' }, 'error');
    expect(refused.data).toMatchObject({ code: 'UNKNOWN_FRAME_TYPE' });
    expect((await client.request({ type: 'subscribe' }, 'validation_error')).data).toHaveProperty(
      'errors',
    );
    expect((await client.request({ type: 'nope' }, 'error')).data).toMatchObject({
      code: 'UNKNOWN_FRAME_TYPE',
    });
    // The earliest gen-1 dashboard's keep-alive: the bare text `ping`, answered in kind, and
    // never a violation (more of them than the invalid-message allowance stay answered).
    const before = client.messages.length;
    for (let i = 0; i < 12; i++) client.send(LEGACY_TEXT_PING);
    expect(await client.nextText(11)).toBe(LEGACY_TEXT_PONG);
    expect(client.texts).toEqual(Array<string>(12).fill(LEGACY_TEXT_PONG));
    expect((await client.request({ type: 'ping' }, 'pong')).type).toBe('pong');
    expect(client.messages.slice(before).map((m) => m.type)).toEqual(['pong']);
    expect(client.closed).toBeUndefined();
  });

  it('non-admins never receive user_login, user_logout or session_expired', async () => {
    const h = await start();
    const viewer = await LegacyClient.connect(gen1Url(h, 'system', 'v', 'viewer'));
    const admin = await LegacyClient.connect(gen1Url(h, 'system', 'a', 'admin'));
    expect(viewer.established.data?.subscribed_events).toEqual(['bind_reload', 'system_status']);
    const gen2 = await LegacyClient.connect(gen2Url(h, 'w', 'operator'));
    const refused = await gen2.client.request(
      { type: 'subscribe_events', data: { event_types: ['user_login', 'user_logout'] } },
      'subscription_updated',
    );
    expect(refused.data?.errors).toEqual([
      'Not permitted: user_login',
      'Not permitted: user_logout',
    ]);
    const userEvents: EventType[] = ['user_login', 'user_logout', 'session_expired'];
    for (const type of userEvents) await h.hub.publish(type, EXAMPLE_EVENTS[type]);
    // The admin's legacy client logs out on any session_expired: it gets only its own (one
    // that names no login session, as when the user is disabled).
    const { sessionId: _other, ...expired } = EXAMPLE_EVENTS.session_expired;
    await h.hub.publish('session_expired', { ...expired, userId: 'a', reason: 'user_disabled' });
    await h.hub.publish('system_status', EXAMPLE_EVENTS.system_status);
    const adminEvents = await admin.client.waitForEvents(4);
    expect(sorted(adminEvents.map((e) => e.type))).toEqual(
      sorted([...userEvents, 'system_status']),
    );
    expect(adminEvents.find((e) => e.type === 'session_expired')?.data).toMatchObject({
      userId: 'a',
    });
    expect((await viewer.client.waitForEvents(1)).map((e) => e.type)).toEqual(['system_status']);
    expect((await gen2.client.waitForEvents(1)).map((e) => e.type)).toEqual(['system_status']);
  });
});

describe('legacy generation 2: /ws?token=', () => {
  it('connection_established carries the user and the role defaults, then a deprecation notice', async () => {
    const h = await start();
    const { client, established } = await LegacyClient.connect(gen2Url(h, 'u2', 'viewer'));
    expect(established.data).toMatchObject({ user_id: 'u2', username: 'name-u2', is_admin: false });
    const subscriptions = established.data?.subscriptions;
    expect(subscriptions).toContain('zone_created');
    expect(subscriptions).toContain('health_update');
    expect(subscriptions).not.toContain('user_login');
    expect(subscriptions).not.toContain('security_alert');
    expect(typeof established.data?.connected_at).toBe('string');
    expect((await client.next('deprecation_notice')).data).toMatchObject({
      migrate_to: '/ws (protocol v1)',
    });
  });

  it('subscribe_events, events with priority and metadata, subscription info, unsubscribe, categories', async () => {
    const h = await start();
    const { client } = await LegacyClient.connect(gen2Url(h, 'u2', 'operator'));
    const updated = await client.request(
      { type: 'subscribe_events', data: { event_types: ['dns_query_log', 'nope'] } },
      'subscription_updated',
    );
    expect(updated.data?.subscriptions).toContain('dns_query_log');
    expect(updated.data?.errors).toEqual(['Unknown event type: nope']);
    expect(typeof updated.data?.updated_at).toBe('string');
    const actor = { id: 'usr_1', username: 'root' };
    const logged = await h.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created, { actor });
    const [event] = await client.waitForEvents(1);
    expect(Object.keys(event ?? {}).sort()).toEqual([
      'data',
      'id',
      'metadata',
      'priority',
      'timestamp',
      'type',
    ]);
    expect(legacyEventGen2.parse(event)).toMatchObject({
      id: logged.id,
      type: 'zone_created',
      priority: logged.priority,
      timestamp: logged.ts,
      // An operator reads: the actor's id, not their username (admins only, as for user_login).
      metadata: { seq: logged.seq, category: 'dns', user_id: 'usr_1', username: REDACTED },
    });
    const info = await client.request({ type: 'get_subscription_info' }, 'subscription_updated');
    expect(info.data).toMatchObject({ subscriptions: updated.data?.subscriptions, errors: [] });
    const dropped = await client.request(
      { type: 'unsubscribe', data: { event_types: ['dns_query_log'] } },
      'subscription_updated',
    );
    expect(dropped.data?.subscriptions).not.toContain('dns_query_log');
    const category = await client.request(
      { type: 'subscribe_category', data: { category: 'query' } },
      'subscription_updated',
    );
    expect(category.data?.subscriptions).toContain('query_stats');
    const gone = await client.request(
      { type: 'unsubscribe_events', data: { event_types: ['query'] } },
      'subscription_updated',
    );
    expect(gone.data?.subscriptions).not.toContain('query_stats');
  });

  it('ping, status, health check; unknown, malformed and admin-only messages get legacy errors', async () => {
    const h = await start();
    const { client } = await LegacyClient.connect(gen2Url(h, 'u2', 'operator'));
    expect(await client.request({ type: 'ping' }, 'pong')).toHaveProperty('timestamp');
    const status = await client.request({ type: 'get_connection_status' }, 'connection_status');
    expect(status.data).toMatchObject({ connected: true, user_id: 'u2', protocol: 'legacy2' });
    const health = await client.request({ type: 'health_check' }, 'health_check_response');
    expect(health.data).toMatchObject({ status: 'healthy' });
    expect((await client.request({ type: 'what' }, 'error')).data).toMatchObject({
      code: 'UNKNOWN_FRAME_TYPE',
    });
    const invalid = await client.request(
      { type: 'subscribe_category', data: {} },
      'validation_error',
    );
    expect(invalid.data?.errors).toHaveLength(1);
    for (const message of [
      { type: 'get_connection_stats' },
      { type: 'disconnect_user', data: { user_id: 'x' } },
      { type: 'broadcast_admin_message', data: { message: 'hi' } },
    ]) {
      expect((await client.request(message, 'error')).data).toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('admins: connection stats, a broadcast that v1 clients receive too, disconnect_user', async () => {
    const h = await start();
    const { client: v1 } = await TestClient.connect(h.url, { token: token('v', 'viewer') });
    const { client: admin } = await LegacyClient.connect(gen2Url(h, 'a', 'admin'));
    const stats = await admin.request({ type: 'get_connection_stats' }, 'connection_stats');
    expect(stats.data).toMatchObject({
      total_connections: 2,
      unique_users: 2,
      connections_by_protocol: { v1: 1, legacy2: 1 },
    });
    const sent = await admin.request(
      { type: 'broadcast_admin_message', data: { message: 'maintenance', priority: 'high' } },
      'admin_message_sent',
    );
    const [broadcast] = await v1.waitForEvents(1);
    expect(broadcast).toMatchObject({
      event: 'admin_broadcast',
      data: { broadcastId: sent.data?.broadcast_id, level: 'warning', message: 'maintenance' },
      // A viewer reads: the broadcasting admin's id, not their username.
      meta: { actor: { id: 'a', username: REDACTED } },
    });
    expect((await admin.waitForEvents(1))[0]).toMatchObject({
      type: 'admin_broadcast',
      metadata: { username: 'name-a' },
    });
    const kicked = await admin.request(
      { type: 'disconnect_user', data: { user_id: 'v' } },
      'user_disconnected',
    );
    expect(kicked.data).toEqual({ user_id: 'v', connections_closed: 1 });
    expect((await v1.waitClosed()).code).toBe(CloseCode.KICKED);
  });
});

describe('legacy and v1 side by side', () => {
  it('one publish reaches v1, gen1 and gen2 clients, each in its own shape', async () => {
    const h = await start();
    const { client: v1 } = await TestClient.connect(h.url, { token: token('v', 'viewer') });
    const { client: g1 } = await LegacyClient.connect(gen1Url(h, 'dns_management', 'x', 'viewer'));
    const { client: g2 } = await LegacyClient.connect(gen2Url(h, 'y', 'viewer'));
    await h.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    const [fromV1] = await v1.waitForEvents(1);
    const [fromG1] = await g1.waitForEvents(1);
    const [fromG2] = await g2.waitForEvents(1);
    expect(fromV1).toMatchObject({ type: 'event', event: 'zone_created', seq: 1 });
    // Legacy data is the v1 data plus the flat fields the old UI reads (legacy-event-data.ts).
    const legacyData = {
      ...(fromV1?.data as object),
      name: 'example.com',
      zone_name: 'example.com',
    };
    expect(fromG1).toEqual({
      type: 'zone_created',
      data: expect.objectContaining(legacyData),
      timestamp: fromV1?.ts,
      severity: 'info',
      category: fromV1?.category,
      event_id: fromV1?.id,
    });
    expect(fromG2).toMatchObject({
      id: fromV1?.id,
      type: 'zone_created',
      data: legacyData,
      metadata: { seq: 1 },
    });
  });

  it('counts legacy connections and messages in hdns_ws_legacy_total', async () => {
    const h = await start();
    const { client: g1 } = await LegacyClient.connect(gen1Url(h, 'health', 'x', 'viewer'));
    const { client: g2 } = await LegacyClient.connect(gen2Url(h, 'y', 'viewer'));
    await LegacyClient.open(gen1Url(h, 'bogus', 'z', 'viewer')).then((c) => c.waitClosed());
    await TestClient.connect(h.url, { token: token('v', 'viewer') });
    await g1.request({ type: 'ping' }, 'pong');
    await g2.request({ type: 'ping' }, 'pong');
    await g2.request({ type: 'nonsense' }, 'error');
    const metric = await h.registry.getSingleMetric('hdns_ws_legacy_total')?.get();
    const value = (generation: string, kind: string): number | undefined =>
      metric?.values.find((v) => v.labels.generation === generation && v.labels.kind === kind)
        ?.value;
    expect(value('1', 'connection')).toBe(1);
    expect(value('2', 'connection')).toBe(1);
    expect(value('1', 'message')).toBe(1);
    expect(value('2', 'message')).toBe(2);
  });

  it('redacts for legacy viewers as for v1 viewers', async () => {
    const h = await start();
    const subscribe = { type: 'subscribe', data: { event_types: ['dns_query_log'] } };
    const { client: g1 } = await LegacyClient.connect(gen1Url(h, 'health', 'x', 'viewer'));
    const { client: g2 } = await LegacyClient.connect(gen2Url(h, 'y', 'viewer'));
    const { client: op } = await LegacyClient.connect(gen2Url(h, 'o', 'operator'));
    for (const c of [g1, g2, op]) await c.request(subscribe, 'subscription_updated');
    await h.hub.publish('dns_query_log', EXAMPLE_EVENTS.dns_query_log);
    const [e1] = await g1.waitForEvents(1);
    const [e2] = await g2.waitForEvents(1);
    const [eOp] = await op.waitForEvents(1);
    expect(e1?.data).toMatchObject({ clientIp: REDACTED, qname: 'www.example.com' });
    expect(e2?.data).toMatchObject({ clientIp: REDACTED });
    expect(e2?.metadata).toMatchObject({ redacted: ['clientIp', 'ecs'] });
    expect(eOp?.data).toMatchObject({ clientIp: EXAMPLE_EVENTS.dns_query_log.clientIp });
  });
});

describe('legacy liveness and close codes', () => {
  it('keeps quiet legacy clients (protocol pings), sends gen2 heartbeats, drops dead peers', async () => {
    const h = await start({ session: { heartbeatMs: 100 } });
    const { client: g1 } = await LegacyClient.connect(gen1Url(h, 'health', 'x', 'viewer'));
    const { client: g2 } = await LegacyClient.connect(gen2Url(h, 'y', 'viewer'));
    const dead = new WebSocket(gen2Url(h, 'z', 'viewer'), { autoPong: false });
    await new Promise((resolve) => dead.once('open', resolve));
    await sleep(600);
    expect(g1.closed).toBeUndefined();
    expect(g2.closed).toBeUndefined();
    expect(g1.messages.filter((m) => m.type === 'heartbeat')).toEqual([]);
    expect(g2.messages.filter((m) => m.type === 'heartbeat').length).toBeGreaterThanOrEqual(3);
    expect(
      h.hub
        .connections()
        .map((c) => c.userId)
        .sort(),
    ).toEqual(['x', 'y']);
    dead.terminate();
  });

  it('maps token expiry to 4001, overload to 1013; other codes pass through', async () => {
    const h = await start({ session: { tokenWarnMs: 300 }, maxConnections: 2 });
    const { client: expiring } = await LegacyClient.connect(gen2Url(h, 'e', 'viewer', 600));
    expect((await expiring.next('token_expiring')).data).toHaveProperty('expires_at');
    expect(await expiring.waitClosed()).toEqual(LEGACY_CLOSE.AUTH_FAILED);
    const { client: g1 } = await LegacyClient.connect(gen1Url(h, 'health', 'x', 'viewer'));
    const { client: g2 } = await LegacyClient.connect(gen2Url(h, 'y', 'viewer'));
    const third = await LegacyClient.open(gen1Url(h, 'health', 'z', 'viewer'));
    expect(await third.waitClosed()).toEqual(LEGACY_CLOSE.OVERLOADED);
    await h.hub.close();
    // Both generations are told why, in their own shape, before the close.
    for (const client of [g1, g2]) {
      expect(await client.waitClosed()).toEqual({
        code: CloseCode.SERVER_RESTARTING,
        reason: 'server restarting',
      });
      const last = client.messages.at(-1);
      expect(last).toMatchObject({
        type: 'notice',
        data: { level: 'warning', code: NOTICE_CODES.SERVER_SHUTDOWN },
      });
      expect(client.messages.filter((m) => m.type === 'notice')).toHaveLength(1);
    }
  });
});
