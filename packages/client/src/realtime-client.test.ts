/**
 * The client's lifecycle over a scripted WebSocket with fake timers: backoff and give-up,
 * heartbeat and connect watchdogs, terminal codes, network signals, resume bookkeeping,
 * the offline queue and in-band refresh. The real hub is exercised in test/*.test.ts.
 */
import { CloseCode, EXAMPLE_EVENTS } from '@hdns/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeWebSocket, welcomeFrame, type FakeSocket } from '../test/support/fake-websocket.js';
import { recordingLogger } from '../test/support/recording-logger.js';
import type { ConnectionSnapshot } from './connection-state.js';
import { RealtimeClient } from './realtime-client.js';
import type { RealtimeClientOptions, TokenRequest } from './options.js';

const tick = () => vi.advanceTimersByTimeAsync(0);

function event(seq: number, priority = 'normal') {
  return {
    type: 'event',
    id: `ev-${seq}`,
    seq,
    event: 'zone_created',
    category: 'dns',
    priority,
    ts: '2025-01-15T10:30:00.000Z',
    data: EXAMPLE_EVENTS.zone_created,
    meta: {},
  };
}

function setup(options: Partial<RealtimeClientOptions> = {}) {
  const ws = fakeWebSocket();
  const logger = recordingLogger();
  let tokens = 0;
  const client = new RealtimeClient({
    url: 'ws://hub.test/ws',
    getToken: () => `tok-${++tokens}`,
    WebSocket: ws.WebSocket,
    logger,
    random: () => 0.5,
    network: false,
    ...options,
  });
  const states: ConnectionSnapshot[] = [];
  client.onState((s) => states.push(s));
  /** Opens the newest socket and welcomes it. */
  const accept = async (welcome: object = welcomeFrame()): Promise<FakeSocket> => {
    await tick();
    const s = ws.last();
    if (!s) throw new Error('no socket');
    s.open();
    s.receive(welcome);
    return s;
  };
  return { client, ws, logger, states, accept, tokens: () => tokens };
}

describe('RealtimeClient lifecycle (fake socket)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse('2025-01-15T10:00:00.000Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('says hello first (token, client, subscriptions), then opens on welcome', async () => {
    const { client, accept, states } = setup({
      subscriptions: ['dns'],
      clientName: 'test',
      instanceId: 'inst-1',
    });
    client.connect();
    const s = await accept();
    const hello = s.sent[0];
    expect(hello).toMatchObject({
      type: 'hello',
      protocol: 1,
      token: 'tok-1',
      client: { name: 'test', instanceId: 'inst-1' },
    });
    expect(hello?.subscribe).toEqual(['dns']);
    expect(hello).not.toHaveProperty('resume');
    expect(states.map((x) => x.state)).toEqual(['connecting', 'open']);
    expect(client.position).toEqual({ epoch: 'e1', seq: 0 });
    client.disconnect();
  });

  it('answers server pings with pong echoing ts', async () => {
    const { client, accept } = setup();
    client.connect();
    const s = await accept();
    s.receive({ type: 'ping', ts: 1234 });
    expect(s.sentOf('pong')).toEqual([{ type: 'pong', ts: 1234 }]);
    client.disconnect();
  });

  it('retries with full-jitter backoff and gives up after maxAttempts', async () => {
    const { client, ws, states } = setup({ reconnect: { baseMs: 100, maxAttempts: 3 } });
    client.connect();
    await tick();
    for (let retry = 1; retry <= 3; retry++) {
      ws.last()?.serverClose(1006);
      const s = states.at(-1);
      // random 0.5 × ceiling (100, 200, 400)
      const delay = 0.5 * 100 * 2 ** (retry - 1);
      expect(s).toMatchObject({
        state: 'reconnecting',
        attempt: retry,
        reason: 'connection_closed',
      });
      expect(s?.nextRetryAt).toBe(Date.now() + delay);
      const before = ws.sockets.length;
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(ws.sockets.length).toBe(before);
      await vi.advanceTimersByTimeAsync(1);
      expect(ws.sockets.length).toBe(before + 1);
    }
    ws.last()?.serverClose(1006);
    expect(client.state).toMatchObject({ state: 'closed', reason: 'max_attempts' });
    await vi.advanceTimersByTimeAsync(600_000);
    expect(ws.sockets).toHaveLength(4);
    client.reconnect(); // starts again
    await tick();
    expect(ws.sockets).toHaveLength(5);
    expect(client.state).toMatchObject({ state: 'connecting', attempt: 0 });
    client.disconnect();
  });

  it('never waits longer than capMs', async () => {
    const { client, ws } = setup({
      reconnect: { baseMs: 1_000, capMs: 3_000 },
      random: () => 0.999,
    });
    const delays: number[] = [];
    client.onState((s) => {
      if (s.nextRetryAt !== undefined) delays.push(s.nextRetryAt - Date.now());
    });
    client.connect();
    for (let i = 0; i < 6; i++) {
      await tick();
      ws.last()?.serverClose(1006);
      await vi.advanceTimersByTimeAsync(3_000);
    }
    expect(delays).toEqual([999, 1998, 2997, 2997, 2997, 2997]);
    client.disconnect();
  });

  it('stops for good on a terminal close code', async () => {
    const { client, ws, accept } = setup();
    client.connect();
    const s = await accept();
    s.serverClose(CloseCode.SUPERSEDED, 'superseded by a newer connection');
    expect(client.state).toMatchObject({ state: 'closed', reason: 'superseded', code: 4409 });
    await vi.advanceTimersByTimeAsync(600_000);
    expect(ws.sockets).toHaveLength(1);
  });

  it('reconnects on reconnect-class codes and resumes from the highest through', async () => {
    const { client, ws, accept, states } = setup();
    const seen: number[] = [];
    client.on('zone_created', (e) => seen.push(e.seq));
    client.connect();
    const first = await accept(welcomeFrame({ seq: 0 }));
    first.receive({ type: 'batch', through: 2, events: [event(1), event(2)] });
    first.receive({ type: 'batch', through: 2, events: [event(5, 'critical')] });
    first.serverClose(CloseCode.SERVER_RESTARTING);
    expect(states.at(-1)).toMatchObject({ state: 'reconnecting', reason: 'server_restarting' });
    await vi.advanceTimersByTimeAsync(250);
    const second = await accept(
      welcomeFrame({ seq: 6, resume: { requested: true, ok: true, replayed: 4 } }),
    );
    expect(second.sent[0]).toMatchObject({ resume: { epoch: 'e1', seq: 2 }, token: 'tok-2' });
    second.receive({ type: 'batch', through: 6, events: [3, 4, 5, 6].map((n) => event(n)) });
    expect(seen).toEqual([1, 2, 5, 3, 4, 6]);
    expect(client.position).toEqual({ epoch: 'e1', seq: 6 });
    expect(ws.sockets).toHaveLength(2);
    client.disconnect();
  });

  it('after PERMISSIONS_CHANGED asks getToken for a fresh token, reconnects and resumes', async () => {
    const requests: TokenRequest[] = [];
    let n = 0;
    const { client, ws, accept, states } = setup({
      getToken: (request) => {
        requests.push(request);
        return `tok-${++n}`;
      },
    });
    client.connect();
    const first = await accept(welcomeFrame({ seq: 0 }));
    first.receive({ type: 'batch', through: 3, events: [event(3)] });
    first.serverClose(CloseCode.PERMISSIONS_CHANGED, 'permissions changed');
    expect(states.at(-1)).toMatchObject({
      state: 'reconnecting',
      reason: 'permissions_changed',
      code: 4206,
    });
    await vi.advanceTimersByTimeAsync(250);
    const second = await accept(welcomeFrame({ seq: 3 }));
    expect(second.sent[0]).toMatchObject({ token: 'tok-2', resume: { epoch: 'e1', seq: 3 } });
    expect(requests).toEqual([
      { purpose: 'connect', fresh: false },
      { purpose: 'connect', fresh: true },
    ]);
    // Welcomed with the fresh token: a later ordinary reconnect uses the provider's cache again.
    second.serverClose(CloseCode.SERVER_RESTARTING);
    await vi.advanceTimersByTimeAsync(250);
    await accept();
    expect(requests.at(-1)).toEqual({ purpose: 'connect', fresh: false });
    expect(ws.sockets).toHaveLength(3);
    client.disconnect();
  });

  it('stops for good on CREDENTIALS_REVOKED (password changed or user disabled)', async () => {
    const { client, ws, accept } = setup();
    client.connect();
    const s = await accept();
    s.serverClose(CloseCode.CREDENTIALS_REVOKED, 'user disabled');
    expect(client.state).toMatchObject({
      state: 'closed',
      reason: 'credentials_revoked',
      code: 4411,
    });
    await vi.advanceTimersByTimeAsync(600_000);
    expect(ws.sockets).toHaveLength(1);
  });

  it('emits resync when the server cannot resume (epoch changed)', async () => {
    const { client, accept } = setup();
    const resyncs: unknown[] = [];
    client.onSignal('resync', (r) => resyncs.push(r));
    client.connect();
    const first = await accept(welcomeFrame({ epoch: 'e1', seq: 10 }));
    first.serverClose(CloseCode.SERVER_RESTARTING);
    await vi.advanceTimersByTimeAsync(250);
    await accept(
      welcomeFrame({
        epoch: 'e2',
        seq: 3,
        resume: { requested: true, ok: false, reason: 'epoch_mismatch' },
      }),
    );
    expect(resyncs).toEqual([
      {
        reason: 'epoch_mismatch',
        previous: { epoch: 'e1', seq: 10 },
        position: { epoch: 'e2', seq: 3 },
      },
    ]);
    expect(client.position).toEqual({ epoch: 'e2', seq: 3 });
    client.disconnect();
  });

  it('abandons a silent connection after heartbeatGraceFactor × heartbeatMs', async () => {
    const { client, accept, states } = setup({ heartbeatGraceFactor: 2.5 });
    client.connect();
    const s = await accept(welcomeFrame({ heartbeatMs: 1_000 }));
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(1_000);
      s.receive({ type: 'ping', ts: Date.now() });
    }
    expect(client.state.state).toBe('open');
    await vi.advanceTimersByTimeAsync(2_500);
    expect(states.at(-1)).toMatchObject({ state: 'reconnecting', reason: 'heartbeat_timeout' });
    expect(s.closedByClient).toBeDefined();
    // a late close of the abandoned socket is never seen
    s.serverClose(CloseCode.SUPERSEDED);
    expect(client.state.state).toBe('reconnecting');
    client.disconnect();
  });

  it('gives up on a connect that takes longer than connectTimeoutMs', async () => {
    const { client, states } = setup({ connectTimeoutMs: 3_000 });
    client.connect();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(states.at(-1)).toMatchObject({ state: 'reconnecting', reason: 'connect_timeout' });
    client.disconnect();
  });

  it('times out a getToken that never settles, then retries with a new call', async () => {
    let calls = 0;
    const { client, ws, states } = setup({
      connectTimeoutMs: 2_000,
      getToken: () => (++calls === 1 ? new Promise<string>(() => undefined) : 'fresh'),
    });
    client.connect();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(states.at(-1)).toMatchObject({ state: 'reconnecting', reason: 'connect_timeout' });
    await vi.advanceTimersByTimeAsync(250);
    expect(calls).toBe(2);
    expect(ws.sockets).toHaveLength(1);
    client.disconnect();
  });

  it('treats a failing getToken as a failed attempt and retries', async () => {
    let calls = 0;
    const { client, ws, states } = setup({
      getToken: () => (++calls === 1 ? Promise.reject(new Error('idp down')) : 'fresh'),
    });
    client.connect();
    await tick();
    expect(ws.sockets).toHaveLength(0);
    expect(states.at(-1)).toMatchObject({ state: 'reconnecting', reason: 'token_error' });
    await vi.advanceTimersByTimeAsync(250);
    expect(ws.sockets).toHaveLength(1);
    client.disconnect();
  });

  it('queues requests while offline, sends them after the welcome, settles by reply', async () => {
    const { client, accept } = setup({ subscriptions: ['zone_created'] });
    const result = client.subscribe(['health_update']);
    client.connect();
    const s = await accept(welcomeFrame({ subscriptions: ['health_update', 'zone_created'] }));
    expect(s.sent.map((f) => f.type)).toEqual(['hello', 'subscribe']);
    expect(s.sent[0]?.subscribe).toEqual(['zone_created']); // the change travels in its frame
    const id = s.sent[1]?.id;
    s.receive({
      type: 'subscribed',
      id,
      subscriptions: ['health_update', 'zone_created'],
      rejected: [],
    });
    await expect(result).resolves.toEqual({
      subscriptions: ['health_update', 'zone_created'],
      rejected: [],
    });
    client.disconnect();
  });

  it('fails pending requests when the client closes', async () => {
    const { client } = setup();
    const pending = client.subscribe(['dns']);
    client.disconnect();
    await expect(pending).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
  });

  it('refreshes the token in-band before it expires, without reconnecting', async () => {
    const { client, accept, ws } = setup();
    client.connect();
    const expires = new Date(Date.now() + 10_000).toISOString();
    const s = await accept(welcomeFrame({ tokenExpiresAt: expires, heartbeatMs: 60_000 }));
    await vi.advanceTimersByTimeAsync(8_000);
    const auth = s.sentOf('auth');
    expect(auth).toEqual([{ type: 'auth', id: expect.any(String), token: 'tok-2' }]);
    s.receive({
      type: 'authed',
      id: auth[0]?.id,
      tokenExpiresAt: new Date(Date.now() + 10_000).toISOString(),
    });
    await vi.advanceTimersByTimeAsync(8_000);
    expect(s.sentOf('auth')).toHaveLength(2);
    expect(ws.sockets).toHaveLength(1);
    client.disconnect();
  });

  it('closes and waits while the browser is offline; reconnects at once when online', async () => {
    const network = new EventTarget();
    const { client, ws, accept, states } = setup({ network });
    client.connect();
    const s = await accept();
    network.dispatchEvent(new Event('offline'));
    expect(s.closedByClient).toBeDefined();
    expect(states.at(-1)).toMatchObject({ state: 'reconnecting', reason: 'offline' });
    expect(states.at(-1)?.nextRetryAt).toBeUndefined();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(ws.sockets).toHaveLength(1);
    network.dispatchEvent(new Event('online'));
    await tick();
    expect(ws.sockets).toHaveLength(2);
    client.disconnect();
    network.dispatchEvent(new Event('online'));
    await tick();
    expect(ws.sockets).toHaveLength(2); // closed clients stop listening
  });

  it('ready() resolves on open and rejects on closed', async () => {
    const { client, accept } = setup();
    client.connect();
    const ready = client.ready();
    await accept();
    await expect(ready).resolves.toBeUndefined();
    const again = setup();
    again.client.connect();
    const failing = again.client.ready();
    await tick();
    again.ws.last()?.serverClose(CloseCode.AUTH_FAILED);
    await expect(failing).rejects.toMatchObject({ code: 'CLIENT_CLOSED', message: 'auth_failed' });
    client.disconnect();
  });

  it('requires a WebSocket implementation when the platform has none', () => {
    const g = globalThis as { WebSocket?: unknown };
    const saved = g.WebSocket;
    delete g.WebSocket;
    try {
      expect(
        () => new RealtimeClient({ url: 'ws://x/ws', getToken: () => 't', network: false }),
      ).toThrow(/WebSocket/);
    } finally {
      if (saved !== undefined) g.WebSocket = saved;
    }
  });
});
