import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode, EXAMPLE_EVENTS } from '@hdns/protocol';
import {
  TestClient,
  sleep,
  TEST_ADMIN_PASSWORD,
  apiRequest,
  makeTempDir,
  removeDir,
  freePort,
  startServerProcess,
  type ServerProcess,
} from '@hdns/testkit';
import type { TestServer } from './helpers.js';
import { hello, serverPerTest, type Attempt } from './ws-upgrade.js';

const { startServer, keep, upgrade } = serverPerTest();

// Every 127/8 address is loopback on Linux: binding the client side to another one gives the
// server a second, distinct peer address without any network setup.
const IP_A = '127.0.0.1';
const IP_B = '127.0.0.2';

/** One upgrade attempt from `localAddress`; an opened socket is kept open for the caller. */
const attempt = (url: string, localAddress: string): Promise<Attempt> =>
  upgrade(url, {}, localAddress);

/** Opens and authenticates a v1 session from `localAddress`. */
const connectFrom = async (
  url: string,
  localAddress: string,
  token: string,
  subscribe: string[],
): Promise<TestClient> => hello(await attempt(url, localAddress), token, subscribe);

async function viewerToken(s: TestServer, adminToken: string, username: string): Promise<string> {
  const res = await s.api('/api/users', {
    method: 'POST',
    token: adminToken,
    body: { username, password: 'password-123', role: 'viewer', zones: null },
  });
  expect(res.status).toBe(201);
  return (await s.login(username, 'password-123')).accessToken;
}

describe('per-address WebSocket limits on the real app', () => {
  it('refuses connections past HDNS_WS_MAX_PER_IP with 429, frees the slot on close, and spares other addresses', async () => {
    const server = await startServer({ env: { HDNS_WS_MAX_PER_IP: '2' } });
    const admin = await server.login();
    const viewer = await viewerToken(server, admin.accessToken, 'vic');
    const url = server.wsUrl;
    const a1 = await connectFrom(url, IP_A, admin.accessToken, ['dns']);
    const a2 = await connectFrom(url, IP_A, viewer, ['dns']);

    const refused = await attempt(url, IP_A);
    expect(refused).toMatchObject({ status: 429, retryAfter: '10' });
    // The refusal costs the address, not its open sessions, nor anyone on another address.
    const other = await connectFrom(url, IP_B, await viewerToken(server, admin.accessToken, 'bo'), [
      'dns',
    ]);
    expect(
      server.app.hub
        .connections()
        .map((c) => c.ip)
        .sort(),
    ).toEqual([IP_A, IP_A, IP_B]);
    await server.app.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    for (const c of [a1, a2, other]) {
      const [event] = await c.waitForEvents(1);
      expect(event?.event).toBe('zone_created');
      expect(c.closed).toBeUndefined();
    }

    a2.close();
    await a2.waitClosed();
    // The server sees the TCP close a moment after the client does; retry until the slot is free.
    let again = await attempt(url, IP_A);
    for (let tries = 1; again.status === 429 && tries < 100; tries++) {
      await sleep(20);
      again = await attempt(url, IP_A);
    }
    expect(again.status).toBe(101);
    // Full again: the freed slot was taken by exactly one new socket.
    expect((await attempt(url, IP_A)).status).toBe(429);
  });

  it('refuses connection attempts past HDNS_WS_MAX_ATTEMPTS_PER_IP with 429 even with no socket open', async () => {
    const server = await startServer({ env: { HDNS_WS_MAX_ATTEMPTS_PER_IP: '3' } });
    const admin = await server.login();
    const url = server.wsUrl;
    for (let i = 0; i < 3; i++) {
      const r = await attempt(url, IP_A);
      expect(r.status).toBe(101);
      r.ws?.close();
    }
    expect(await attempt(url, IP_A)).toMatchObject({ status: 429, retryAfter: '10' });
    expect(await attempt(url, IP_A)).toMatchObject({ status: 429 });
    // Another address has its own budget, and a user on it is served normally.
    const b = await connectFrom(url, IP_B, admin.accessToken, ['dns']);
    await server.app.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    expect((await b.waitForEvents(1))[0]?.event).toBe('zone_created');
  });
});

describe('upgrade authentication as docs/protocol.md describes it', () => {
  it('checks Origin (own host and HDNS_ALLOWED_ORIGINS pass) and never authenticates by cookie', async () => {
    const server = await startServer({ env: { HDNS_ALLOWED_ORIGINS: 'https://dash.example' } });
    const admin = await server.login();
    const url = server.wsUrl;
    const host = new URL(server.url).host;
    const status = async (origin: string) => {
      const ws = new WebSocket(url, { origin });
      return new Promise<number>((resolve) => {
        ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          resolve(101);
          ws.close();
        });
        ws.on('error', () => undefined);
      });
    };
    expect(await status(`http://${host}`)).toBe(101);
    expect(await status('https://dash.example')).toBe(101);
    expect(await status('https://evil.example')).toBe(403);

    // The browser's cookies (here the refresh cookie) do not authenticate a socket: the hello
    // without a token is refused.
    const ws = new WebSocket(url, {
      headers: { cookie: admin.refreshCookie },
      origin: `http://${host}`,
    });
    keep(ws);
    const client = TestClient.wrap(ws);
    await new Promise((r) => ws.once('open', r));
    client.send({ type: 'hello', id: 'h', protocol: 1 });
    expect(await client.next('error')).toMatchObject({ code: 'AUTH_FAILED' });
    expect((await client.waitClosed()).code).toBe(CloseCode.AUTH_FAILED);
  });
});

/**
 * IPv6 on the real server process (`npm start`) listening on ::1, with ::1 as the trusted proxy
 * so X-Forwarded-For can name any IPv6 client. /ws admission and the REST rate limit must count
 * the same key (packages/hub/src/address-key.ts: an IPv6 client by its /64): addresses inside
 * one /64, however spelled, share one budget in both; the next /64 has its own in both.
 */
describe('per-address limits over IPv6, on a server process listening on ::1', () => {
  const A = '2001:db8:1:2::a';
  // The same /64 as A: the last four groups differ, and the spelling too.
  const A_SIBLINGS = ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:DB8:1:2:0:0:0:b'];
  // The neighbouring /64: differs from A in the fourth group only.
  const B = '2001:db8:1:3::a';
  const B_SIBLING = '2001:db8:1:3:1::';

  let proc: ServerProcess | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await proc?.stop();
    proc = undefined;
    if (dataDir) await removeDir(dataDir);
    dataDir = undefined;
  });

  /** One upgrade attempt from ::1 with the given X-Forwarded-For (none: the peer itself). */
  const attemptV6 = (url: string, forwardedFor?: string): Promise<Attempt> =>
    upgrade(url, forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }, '::1');

  const helloV6 = async (url: string, forwardedFor: string | undefined, token: string) =>
    hello(await attemptV6(url, forwardedFor), token);

  it('admits /ws per /64 and the REST rate limit counts the very same keys', async () => {
    dataDir = await makeTempDir();
    proc = await startServerProcess(
      {
        HDNS_HOST: '::1',
        HDNS_DATA_DIR: dataDir,
        HDNS_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
        HDNS_MONITORS: 'false',
        HDNS_TRUSTED_PROXIES: '::1',
        HDNS_WS_MAX_PER_IP: '1',
        // One admin token opens every socket here; none may supersede another.
        HDNS_WS_MAX_PER_USER: '100',
        HDNS_RATE_LIMIT_MAX: '2',
        HDNS_RATE_LIMIT_WINDOW: '60',
      },
      await freePort('::1'),
    );
    expect(new URL(proc.url).hostname).toBe('[::1]');
    // fetch connects over ::1 too: the server listens on nothing else.
    const login = await apiRequest(`${proc.url}/api/auth/login`, {
      body: { username: 'admin', password: TEST_ADMIN_PASSWORD },
    });
    expect(login.status).toBe(200);
    const token = (login.body as { accessToken: string }).accessToken;
    const url = `${proc.url.replace('http', 'ws')}/ws`;

    // /ws, one socket per key: A's /64 is full for every address in it, B's /64 is not.
    const a = await helloV6(url, A, token);
    for (const sibling of A_SIBLINGS) {
      expect(await attemptV6(url, sibling)).toMatchObject({ status: 429, retryAfter: '10' });
    }
    const b = await helloV6(url, B, token);
    expect((await attemptV6(url, B_SIBLING)).status).toBe(429);
    // The proxy's own peer address (::1, no header) is a client of its own /64.
    const direct = await helloV6(url, undefined, token);
    expect((await attemptV6(url)).status).toBe(429);
    for (const c of [a, b, direct]) expect(c.closed).toBeUndefined();

    // REST, two anonymous requests per key: the same grouping.
    const anon = (forwardedFor: string) =>
      apiRequest(`${proc?.url}/api/zones`, { headers: { 'x-forwarded-for': forwardedFor } });
    expect((await anon(A)).status).toBe(401);
    expect((await anon(A_SIBLINGS[0] ?? '')).status).toBe(401);
    const refused = await anon(A_SIBLINGS[1] ?? '');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect((await anon(B)).status).toBe(401);
    expect((await anon(B_SIBLING)).status).toBe(401);
    expect((await anon(B)).status).toBe(429);
  });
});
