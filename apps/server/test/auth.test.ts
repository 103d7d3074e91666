import { SignJWT } from 'jose';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CloseCode } from '@hdns/protocol';
import { TestClient } from '@hdns/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { JWT_SECRET_FILE } from '../src/auth/jwt-secret.js';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../src/auth/access-tokens.js';
import { refreshCookieFrom, startTestServer, type TestServer } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(env?: Record<string, string>): Promise<TestServer> {
  server = await startTestServer(env ? { env } : {});
  return server;
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('login', () => {
  it('returns an access token, the user and an HttpOnly SameSite=Strict refresh cookie', async () => {
    const s = await start();
    const res = await s.api('/api/auth/login', {
      body: { username: 'admin', password: s.adminPassword },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 900,
      user: { username: 'admin', role: 'admin', zones: null },
    });
    const setCookie = res.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/hdns_refresh=[A-Za-z0-9_-]{43}/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/api\/auth/);
    expect(setCookie).not.toMatch(/Secure/); // loopback: auto → not secure
    // The legacy WebSocket session: everywhere (Path /), but only a signed session name.
    const ws = res.headers.getSetCookie().find((c) => c.startsWith('hdns_ws_session='));
    expect(ws).toMatch(/^hdns_ws_session=[^;]+;.*Path=\/;/);
    expect(ws).toMatch(/HttpOnly/i);
    expect(ws).toMatch(/SameSite=Strict/i);
    expect(ws).not.toContain(String(setCookie.match(/hdns_refresh=([^;]+)/)?.[1]));

    const { accessToken } = res.body as { accessToken: string };
    const me = await s.api('/api/auth/me', { token: accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'admin', role: 'admin', zones: null });
  });

  it('logs in case-insensitively by username', async () => {
    const s = await start();
    await expect(s.login('ADMIN')).resolves.toMatchObject({ user: { username: 'admin' } });
  });

  it('answers wrong password and unknown user identically', async () => {
    const s = await start();
    const wrong = await s.api('/api/auth/login', {
      body: { username: 'admin', password: 'nope-nope' },
    });
    const unknown = await s.api('/api/auth/login', {
      body: { username: 'ghost', password: 'nope-nope' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body).toEqual({
      code: 'INVALID_CREDENTIALS',
      message: 'Invalid username or password',
    });
    expect(refreshCookieFrom(wrong.headers)).toBeNull();
    const failures = await s.app.auditLog.list({ action: 'login_failure' });
    expect(failures.map((f) => f.success)).toEqual([false, false]);
  });

  it('rejects a malformed body with VALIDATION_ERROR listing the issues', async () => {
    const s = await start();
    const res = await s.api('/api/auth/login', { body: { username: 'admin' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { in: 'body', issues: [{ path: '/password' }] },
    });
  });

  it('refuses a username from the same address after 5 failures with 429 and Retry-After, even for the right password', async () => {
    const s = await start();
    for (let i = 0; i < 5; i++) {
      const res = await s.api('/api/auth/login', {
        body: { username: 'admin', password: `bad-${i}-xx` },
      });
      expect(res.status).toBe(401);
    }
    const locked = await s.api('/api/auth/login', {
      body: { username: 'Admin', password: s.adminPassword },
    });
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  });

  it('locks an IP out after 20 failures across usernames', async () => {
    const s = await start();
    for (let i = 0; i < 20; i++) {
      const res = await s.api('/api/auth/login', {
        body: { username: `user${i}`, password: 'whatever1' },
      });
      expect(res.status).toBe(401);
    }
    const locked = await s.api('/api/auth/login', {
      body: { username: 'admin', password: s.adminPassword },
    });
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('resets the failure count on success', async () => {
    const s = await start({ HDNS_LOGIN_MAX_FAILURES_PER_IP_USER: '3' });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) {
        expect(
          (await s.api('/api/auth/login', { body: { username: 'admin', password: 'wrong-pw' } }))
            .status,
        ).toBe(401);
      }
      await s.login();
    }
  });

  it('refuses a disabled user with the same answer as a wrong password', async () => {
    const s = await start();
    const admin = await s.login();
    const created = await s.api('/api/users', {
      token: admin.accessToken,
      body: { username: 'dora', password: 'dora-password', role: 'viewer' },
    });
    const dora = created.body as { id: string; version: number };
    const doraSession = await s.login('dora', 'dora-password');
    await s.api(`/api/users/${dora.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      body: { disabled: true, version: dora.version },
    });
    const res = await s.api('/api/auth/login', {
      body: { username: 'dora', password: 'dora-password' },
    });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    // Existing sessions end too: the access token and the refresh cookie stop working.
    expect((await s.api('/api/auth/me', { token: doraSession.accessToken })).body).toMatchObject({
      code: 'AUTH_FAILED',
    });
    const refresh = await s.api('/api/auth/refresh', {
      method: 'POST',
      cookie: doraSession.refreshCookie,
    });
    expect(refresh.status).toBe(401);
  });
});

describe('refresh', () => {
  it('rotates the cookie; the old one no longer works', async () => {
    const s = await start();
    const first = await s.login();
    const res = await s.api('/api/auth/refresh', { method: 'POST', cookie: first.refreshCookie });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', user: { username: 'admin' } });
    const second = refreshCookieFrom(res.headers);
    expect(second).not.toBeNull();
    expect(second).not.toBe(first.refreshCookie);
    const { accessToken } = res.body as { accessToken: string };
    expect((await s.api('/api/auth/me', { token: accessToken })).status).toBe(200);

    const third = await s.api('/api/auth/refresh', { method: 'POST', cookie: second ?? '' });
    expect(third.status).toBe(200);
  });

  it('detects reuse of a rotated token and revokes the whole family', async () => {
    const s = await start();
    const first = await s.login();
    const rotated = await s.api('/api/auth/refresh', {
      method: 'POST',
      cookie: first.refreshCookie,
    });
    const newest = refreshCookieFrom(rotated.headers) ?? '';

    const reuse = await s.api('/api/auth/refresh', { method: 'POST', cookie: first.refreshCookie });
    expect(reuse.status).toBe(401);
    expect(reuse.body).toMatchObject({ code: 'REFRESH_REUSED' });
    expect(reuse.headers.getSetCookie().join()).toMatch(/hdns_refresh=;/);

    const afterReuse = await s.api('/api/auth/refresh', { method: 'POST', cookie: newest });
    expect(afterReuse.status).toBe(401);
    expect(afterReuse.body).toMatchObject({ code: 'REFRESH_REUSED' });

    const audit = await s.app.auditLog.list({ action: 'refresh_reuse' });
    expect(audit.length).toBeGreaterThanOrEqual(1);
    expect(audit[0]).toMatchObject({ actorUsername: 'admin', success: false });
    expect(JSON.stringify(audit)).not.toContain(first.refreshCookie.split('=')[1]);
  });

  it('leaves other sessions of the same user alone on reuse', async () => {
    const s = await start();
    const a = await s.login();
    const b = await s.login();
    await s.api('/api/auth/refresh', { method: 'POST', cookie: a.refreshCookie });
    await s.api('/api/auth/refresh', { method: 'POST', cookie: a.refreshCookie });
    expect(
      (await s.api('/api/auth/refresh', { method: 'POST', cookie: b.refreshCookie })).status,
    ).toBe(200);
  });

  it('answers REFRESH_INVALID without a cookie or with an unknown one', async () => {
    const s = await start();
    const none = await s.api('/api/auth/refresh', { method: 'POST' });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: 'REFRESH_INVALID' });
    const unknown = await s.api('/api/auth/refresh', {
      method: 'POST',
      cookie: 'hdns_refresh=abc',
    });
    expect(unknown.body).toMatchObject({ code: 'REFRESH_INVALID' });
  });

  it('refuses a foreign Origin and accepts an allowed one', async () => {
    const s = await start({ HDNS_ALLOWED_ORIGINS: 'https://dash.example.com' });
    const session = await s.login();
    const evil = await s.api('/api/auth/refresh', {
      method: 'POST',
      cookie: session.refreshCookie,
      headers: { origin: 'https://evil.example.com' },
    });
    expect(evil.status).toBe(403);
    expect(evil.body).toMatchObject({ code: 'ORIGIN_REFUSED' });
    const ok = await s.api('/api/auth/refresh', {
      method: 'POST',
      cookie: session.refreshCookie,
      headers: { origin: 'https://dash.example.com' },
    });
    expect(ok.status).toBe(200);
  });
});

describe('logout', () => {
  it('revokes the session, closes its sockets, clears the cookie and is idempotent', async () => {
    // Two logins of one user hold a socket each (the default of one supersedes the older).
    const s = await start({ HDNS_WS_MAX_PER_USER: '2' });
    const session = await s.login();
    const other = await s.login();
    const socket = (await TestClient.connect(s.wsUrl, { token: session.accessToken })).client;
    const otherSocket = (await TestClient.connect(s.wsUrl, { token: other.accessToken })).client;
    const out = await s.api('/api/auth/logout', { method: 'POST', cookie: session.refreshCookie });
    expect(out.status).toBe(204);
    // This session's socket closes at once; another login of the same user keeps streaming.
    expect((await socket.waitClosed()).code).toBe(CloseCode.CREDENTIALS_REVOKED);
    expect(otherSocket.closed).toBeUndefined();
    await otherSocket.request({ type: 'ping' }, 'pong');
    otherSocket.close();
    expect(out.headers.getSetCookie().join()).toMatch(/hdns_refresh=;.*Path=\/api\/auth/);
    expect(out.headers.getSetCookie().join()).toMatch(/hdns_ws_session=;.*Path=\/;/);
    const refresh = await s.api('/api/auth/refresh', {
      method: 'POST',
      cookie: session.refreshCookie,
    });
    expect(refresh.status).toBe(401);
    expect((await s.api('/api/auth/logout', { method: 'POST' })).status).toBe(204);
    expect(await s.app.auditLog.list({ action: 'logout' })).toHaveLength(1);
  });
});

describe('access tokens', () => {
  it('rejects a missing or non-bearer Authorization with UNAUTHORIZED', async () => {
    const s = await start();
    const missing = await s.api('/api/auth/me');
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const basic = await s.api('/api/auth/me', { headers: { authorization: 'Basic YWRtaW46eA==' } });
    expect(basic.body).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it.each([
    ['garbage', 'not-a-jwt'],
    ['three dots', 'a.b.c'],
    ['empty segments', '..'],
    ['bad base64', '%%%.%%%.%%%'],
  ])('rejects a malformed token (%s) with AUTH_FAILED', async (_name, token) => {
    const s = await start();
    const res = await s.api('/api/auth/me', { token });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'AUTH_FAILED' });
  });

  it('rejects forged tokens: wrong signature, other key, alg none', async () => {
    const s = await start();
    const { accessToken } = await s.login();
    const [header, payload, signature] = accessToken.split('.') as [string, string, string];

    const flipped = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const elevated = `${header}.${b64url({ ...claims, role: 'admin', username: 'mallory' })}.${signature}`;
    const otherKey = await new SignJWT({ username: 'admin', role: 'admin', zones: null })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(claims.sub))
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt()
      .setJti('x')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('another-secret-that-is-long-enough-1234567'));
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    const noneWithSig = `${b64url({ alg: 'none' })}.${payload}.${signature}`;

    for (const token of [flipped, elevated, otherKey, none, noneWithSig]) {
      const res = await s.api('/api/auth/me', { token });
      expect(res.status, token).toBe(401);
      expect(res.body).toMatchObject({ code: 'AUTH_FAILED' });
    }
  });

  it('rejects an expired token with TOKEN_EXPIRED, and one for another audience', async () => {
    const s = await start();
    const { user } = await s.login();
    const secret = new TextEncoder().encode(
      readFileSync(path.join(s.dataDir, JWT_SECRET_FILE), 'utf8').trim(),
    );
    const now = Math.floor(Date.now() / 1000);
    const sign = (aud: string, exp: number) =>
      // tv: the admin's token version (1 until their rights or password change).
      new SignJWT({ username: 'admin', role: 'admin', zones: null, tv: 1 })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user.id)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(aud)
        .setIssuedAt(now - 3600)
        .setJti('jti-1')
        .setExpirationTime(exp)
        .sign(secret);

    const valid = await s.api('/api/auth/me', { token: await sign(TOKEN_AUDIENCE, now + 60) });
    expect(valid.status).toBe(200);
    const expired = await s.api('/api/auth/me', { token: await sign(TOKEN_AUDIENCE, now - 60) });
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ code: 'TOKEN_EXPIRED' });
    const otherAud = await s.api('/api/auth/me', { token: await sign('someone-else', now + 60) });
    expect(otherAud.body).toMatchObject({ code: 'AUTH_FAILED' });
  });

  it('exposes verifyAccessToken for the WebSocket layer', async () => {
    const s = await start();
    const { accessToken, user } = await s.login();
    const identity = await s.app.verifyAccessToken(accessToken);
    expect(identity).toMatchObject({
      userId: user.id,
      username: 'admin',
      role: 'admin',
      zones: null,
    });
    expect(identity.expiresAt.getTime()).toBeGreaterThan(Date.now());
    await expect(s.app.verifyAccessToken('x.y.z')).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  });
});
