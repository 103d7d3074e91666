import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { sleep, makeTempDir, removeDir, freePort, startServerProcess } from '@hdns/testkit';
import type { TestServer } from './helpers.js';
import { hello, serverPerTest } from './ws-upgrade.js';

/**
 * HDNS_TRUSTED_PROXIES against the real app: REST (audit rows, login limits) and /ws
 * (admission, the hub's connection address, ws_auth audit rows) see the same client address,
 * and X-Forwarded-For counts only when it arrives from a trusted proxy. The same goes for
 * X-Forwarded-Host in the Origin checks of REST and /ws.
 */

const { startServer, upgrade } = serverPerTest();

/** A JSON POST from a chosen loopback address (fetch cannot pick one); resolves the status. */
function postFrom(
  s: TestServer,
  localAddress: string,
  pathname: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${s.url}${pathname}`,
      { method: 'POST', localAddress, headers: { ...headers, 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** The address the audit log recorded for the newest row of `action`, waiting for it. */
async function auditedIp(s: TestServer, action: string, count = 1): Promise<string | null> {
  for (let tries = 0; tries < 200; tries++) {
    const rows = await s.app.auditLog.list({ action });
    if (rows.length >= count) return rows[0]?.ip ?? null;
    await sleep(10);
  }
  throw new Error(`no ${action} audit row`);
}

async function failLogin(s: TestServer, forwardedFor: string, username = 'admin') {
  return s.api('/api/auth/login', {
    body: { username, password: 'wrong-password' },
    headers: { 'x-forwarded-for': forwardedFor },
  });
}

describe('with no trusted proxies', () => {
  it('ignores X-Forwarded-For on REST: audit rows and login limits use the socket address', async () => {
    const server = await startServer();
    expect(server.config.trustedProxies).toEqual([]);
    expect((await failLogin(server, '1.2.3.4')).status).toBe(401);
    expect(await auditedIp(server, 'login_failure')).toBe('127.0.0.1');

    // Five failures "from" five different forwarded addresses are five from 127.0.0.1.
    for (let i = 2; i <= 5; i++)
      expect((await failLogin(server, `1.2.3.${i + 10}`)).status).toBe(401);
    const refused = await failLogin(server, '9.9.9.9');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
  });

  it('ignores X-Forwarded-For on /ws: admission, the hub address and ws_auth audit use the socket address', async () => {
    const server = await startServer({ env: { HDNS_WS_MAX_PER_IP: '1' } });
    const admin = await server.login();
    const url = server.wsUrl;
    await hello(await upgrade(url, { 'x-forwarded-for': '1.2.3.4' }), admin.accessToken);
    expect(await auditedIp(server, 'ws_auth')).toBe('127.0.0.1');
    expect(server.app.hub.connections().map((c) => c.ip)).toEqual(['127.0.0.1']);
    // A different forwarded address does not make a different client: the one slot is taken.
    expect((await upgrade(url, { 'x-forwarded-for': '5.6.7.8' })).status).toBe(429);
  });
});

describe('with 127.0.0.1 trusted', () => {
  const env = { HDNS_TRUSTED_PROXIES: '127.0.0.1', HDNS_WS_MAX_PER_IP: '1' };

  it('uses the forwarded address on REST: audit rows and per-address login limits', async () => {
    const server = await startServer({ env });
    expect((await failLogin(server, '198.51.100.7')).status).toBe(401);
    expect(await auditedIp(server, 'login_failure')).toBe('198.51.100.7');
    for (let i = 0; i < 4; i++) expect((await failLogin(server, '198.51.100.7')).status).toBe(401);
    expect((await failLogin(server, '198.51.100.7')).status).toBe(429);
    // Another forwarded address is another client.
    expect((await failLogin(server, '198.51.100.8')).status).toBe(401);
  });

  it('uses the forwarded address on /ws: admission, the hub address and ws_auth audit', async () => {
    const server = await startServer({ env });
    const admin = await server.login();
    const url = server.wsUrl;
    await hello(await upgrade(url, { 'x-forwarded-for': '198.51.100.7' }), admin.accessToken);
    expect(await auditedIp(server, 'ws_auth')).toBe('198.51.100.7');
    // Per address: the same forwarded client is full, another one is admitted.
    expect((await upgrade(url, { 'x-forwarded-for': '198.51.100.7' })).status).toBe(429);
    const created = await server.api('/api/users', {
      token: admin.accessToken,
      body: { username: 'vic', password: 'password-123', role: 'viewer', zones: null },
    });
    expect(created.status).toBe(201);
    const vic = await server.login('vic', 'password-123');
    await hello(await upgrade(url, { 'x-forwarded-for': '198.51.100.8' }), vic.accessToken);
    expect(await auditedIp(server, 'ws_auth', 2)).toBe('198.51.100.8');
    expect(
      server.app.hub
        .connections()
        .map((c) => c.ip)
        .sort(),
    ).toEqual(['198.51.100.7', '198.51.100.8']);
  });

  it('a spoofed chain through one trusted proxy yields the rightmost untrusted address, on REST and /ws alike', async () => {
    const server = await startServer({ env });
    const spoofed = { 'x-forwarded-for': '6.6.6.6, 1.2.3.4' };
    const res = await server.api('/api/auth/login', {
      body: { username: 'admin', password: server.adminPassword },
      headers: spoofed,
    });
    expect(res.status).toBe(200);
    expect(await auditedIp(server, 'login_success')).toBe('1.2.3.4');

    const { accessToken } = res.body as { accessToken: string };
    await hello(await upgrade(server.wsUrl, spoofed), accessToken);
    expect(await auditedIp(server, 'ws_auth')).toBe('1.2.3.4');
    expect(server.app.hub.connections().map((c) => c.ip)).toEqual(['1.2.3.4']);
  });

  it('believes X-Forwarded-For only from a trusted peer: from 127.0.0.2 the header is ignored on REST and /ws', async () => {
    const server = await startServer({ env });
    const admin = await server.login();
    const status = await postFrom(
      server,
      '127.0.0.2',
      '/api/auth/login',
      { username: 'nobody', password: 'wrong-password' },
      { 'x-forwarded-for': '198.51.100.9' },
    );
    expect(status).toBe(401);
    expect(await auditedIp(server, 'login_failure')).toBe('127.0.0.2');
    await hello(
      await upgrade(server.wsUrl, { 'x-forwarded-for': '198.51.100.9' }, '127.0.0.2'),
      admin.accessToken,
    );
    expect(server.app.hub.connections().map((c) => c.ip)).toEqual(['127.0.0.2']);
    expect(await auditedIp(server, 'ws_auth')).toBe('127.0.0.2');
  });
});

describe('the /ws Origin check behind a proxy', () => {
  // A TLS-terminating proxy serving the dashboard as https://dns.example.
  const proxied = {
    origin: 'https://dns.example',
    'x-forwarded-host': 'dns.example',
    'x-forwarded-proto': 'https',
  };

  it('takes X-Forwarded-Host from a trusted proxy, as REST does', async () => {
    const server = await startServer({ env: { HDNS_TRUSTED_PROXIES: '127.0.0.1' } });
    const url = server.wsUrl;
    expect((await upgrade(url, proxied)).status).toBe(101);
    expect(await postFrom(server, '127.0.0.1', '/api/auth/logout', {}, proxied)).toBe(204);
    // The forwarded host is the one checked: the proxy's inner address is not an origin of ours.
    const inner = { ...proxied, origin: server.url };
    expect((await upgrade(url, inner)).status).toBe(403);
    expect(await postFrom(server, '127.0.0.1', '/api/auth/logout', {}, inner)).toBe(403);
    const foreign = { ...proxied, origin: 'https://evil.example' };
    expect((await upgrade(url, foreign)).status).toBe(403);
  });

  it('ignores X-Forwarded-Host from an untrusted address, as REST does', async () => {
    const server = await startServer({ env: { HDNS_TRUSTED_PROXIES: '127.0.0.1' } });
    const url = server.wsUrl;
    // From 127.0.0.2 a client cannot choose the host its Origin is checked against…
    expect((await upgrade(url, proxied, '127.0.0.2')).status).toBe(403);
    expect(await postFrom(server, '127.0.0.2', '/api/auth/logout', {}, proxied)).toBe(403);
    // … its Host header is what counts, on /ws and REST alike.
    const own = { origin: server.url, 'x-forwarded-host': 'dns.example' };
    expect((await upgrade(url, own, '127.0.0.2')).status).toBe(101);
    expect(await postFrom(server, '127.0.0.2', '/api/auth/logout', {}, own)).toBe(204);
  });

  it('ignores X-Forwarded-Host with no trusted proxies at all', async () => {
    const server = await startServer();
    expect((await upgrade(server.wsUrl, proxied)).status).toBe(403);
    expect((await upgrade(server.wsUrl, { ...proxied, origin: server.url })).status).toBe(101);
  });
});

describe('the removed HDNS_TRUST_PROXY', () => {
  it('stops `npm start` (the real main.ts) with a message naming HDNS_TRUSTED_PROXIES', async () => {
    const dataDir = await makeTempDir();
    try {
      const started = startServerProcess(
        { HDNS_TRUST_PROXY: 'true', HDNS_DATA_DIR: dataDir },
        await freePort(),
      );
      await expect(started).rejects.toThrow(
        /server exited early:[\s\S]*HDNS_TRUST_PROXY was removed[\s\S]*HDNS_TRUSTED_PROXIES/,
      );
    } finally {
      await removeDir(dataDir);
    }
  });
});
