import { afterEach, describe, expect, it } from 'vitest';
import { type ApiResponse } from '@hdns/testkit';
import { startTestServer, type TestServer } from './helpers.js';

/**
 * Login limits on the real app (issue 11, item 3). Different client addresses come from
 * X-Forwarded-For through the trusted loopback proxy (HDNS_TRUSTED_PROXIES=127.0.0.1), which
 * trusted-proxies.test.ts proves is the address every limit sees.
 */

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const BEHIND_PROXY = { HDNS_TRUSTED_PROXIES: '127.0.0.1' };

function login(s: TestServer, from: string, username: string, password: string) {
  return s.api('/api/auth/login', {
    body: { username, password },
    headers: { 'x-forwarded-for': from },
  });
}

function statuses(responses: ApiResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

function expectTooManyAttempts(res: ApiResponse): void {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({
    code: 'TOO_MANY_ATTEMPTS',
    details: { retryAfterSeconds: expect.any(Number) },
  });
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter > 0).toBe(true);
}

describe('login limits under concurrency', () => {
  it('300 concurrent wrong-password logins for one user from one address: 5 reach the password check (401), 295 get 429', async () => {
    server = await startTestServer({ env: BEHIND_PROXY });
    const s = server;
    const responses = await Promise.all(
      Array.from({ length: 300 }, (_, i) => login(s, '203.0.113.10', 'admin', `wrong-${i}-pw`)),
    );
    // 401 comes only after the password hash was checked; 429 is answered before it.
    expect(statuses(responses)).toEqual({ 401: 5, 429: 295 });
    for (const res of responses.filter((r) => r.status === 429)) expectTooManyAttempts(res);
  });

  it('300 concurrent logins for different usernames from one address stop at the per-address limit', async () => {
    server = await startTestServer({
      env: { ...BEHIND_PROXY, HDNS_LOGIN_MAX_FAILURES_PER_IP: '20' },
    });
    const s = server;
    const responses = await Promise.all(
      Array.from({ length: 300 }, (_, i) => login(s, '203.0.113.11', `user${i}`, 'wrong-password')),
    );
    expect(statuses(responses)).toEqual({ 401: 20, 429: 280 });
  });
});

describe('a stranger cannot lock the admin out', () => {
  it("failures from many addresses slow the username down but the admin's right password from another address gets in", async () => {
    server = await startTestServer({
      env: { ...BEHIND_PROXY, HDNS_LOGIN_SLOWDOWN_AFTER: '5', HDNS_LOGIN_SLOWDOWN_MAX: '1' },
    });
    const s = server;
    // 10 stranger addresses × 5 wrong guesses (all at once: the delays run in parallel).
    const strangers = Array.from({ length: 10 }, (_, i) => `198.51.100.${i + 1}`);
    const guesses = await Promise.all(
      strangers.flatMap((from) =>
        Array.from({ length: 5 }, (_, i) => login(s, from, 'admin', `guess-${i}-pw`)),
      ),
    );
    // The slow-down spaces the password checks on one schedule: 5 free, then slots at 0, 0.25 and
    // 0.75 s fit under the 1 s cap; the rest are refused at once (delays side by side gave 50).
    const counts = statuses(guesses);
    expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(50);
    expect(counts[401] ?? 0).toBeLessThan(25);
    for (const res of guesses.filter((r) => r.status === 429)) expectTooManyAttempts(res);
    // The admin, from an address of their own, retries after Retry-After and gets in.
    let admin = await login(s, '203.0.113.77', 'admin', s.adminPassword);
    for (let tries = 0; admin.status === 429 && tries < 3; tries++) {
      await new Promise((r) => setTimeout(r, Number(admin.headers.get('retry-after')) * 1000));
      admin = await login(s, '203.0.113.77', 'admin', s.adminPassword);
    }
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({ user: { username: 'admin' } });
  });
});

describe('per-address limit', () => {
  it('an address past HDNS_LOGIN_MAX_FAILURES_PER_IP is refused for every username; other addresses are not', async () => {
    server = await startTestServer({
      env: { ...BEHIND_PROXY, HDNS_LOGIN_MAX_FAILURES_PER_IP: '8' },
    });
    for (let i = 0; i < 8; i++) {
      expect((await login(server, '203.0.113.20', `user${i}`, 'wrong-password')).status).toBe(401);
    }
    expectTooManyAttempts(await login(server, '203.0.113.20', 'admin', server.adminPassword));
    expectTooManyAttempts(await login(server, '203.0.113.20', 'someone-else', 'x-password'));
    expect((await login(server, '203.0.113.21', 'admin', server.adminPassword)).status).toBe(200);
  });
});

describe('success resets', () => {
  it('a successful login clears the (address, username) count, so the next failures start from zero', async () => {
    server = await startTestServer({
      env: { ...BEHIND_PROXY, HDNS_LOGIN_MAX_FAILURES_PER_IP_USER: '3' },
    });
    const from = '203.0.113.30';
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) {
        expect((await login(server, from, 'admin', 'wrong-password')).status).toBe(401);
      }
      expect((await login(server, from, 'admin', server.adminPassword)).status).toBe(200);
    }
    // Without a success in between, the third failure fills the count and the fourth is refused.
    for (let i = 0; i < 3; i++) {
      expect((await login(server, from, 'admin', 'wrong-password')).status).toBe(401);
    }
    expectTooManyAttempts(await login(server, from, 'admin', server.adminPassword));
  });
});

describe('shutdown', () => {
  it('ends logins waiting out a slow-down with 503 NOT_READY instead of holding the close', async () => {
    server = await startTestServer({
      env: { ...BEHIND_PROXY, HDNS_LOGIN_SLOWDOWN_AFTER: '1', HDNS_LOGIN_SLOWDOWN_MAX: '300' },
    });
    const s = server;
    // Slots 0, 0.25, 0.75, 1.75, 3.75 … 127.75 s after arrival (spacing doubling from 0.25 s).
    const pending = Array.from({ length: 10 }, (_, i) =>
      login(s, `198.51.100.${i % 2}`, 'admin', `guess-${i}-pw`).catch(() => null),
    );
    const settled: (ApiResponse | null)[] = [];
    await new Promise<void>((resolve) => {
      for (const p of pending) {
        void p.then((res) => {
          settled.push(res);
          if (settled.length === 3) resolve();
        });
      }
    });
    await s.close();
    const responses = await Promise.all(pending);
    const notReady = responses.filter((r) => r?.status === 503);
    expect(notReady.length).toBeGreaterThanOrEqual(4);
    for (const r of notReady) expect(r?.body).toMatchObject({ code: 'NOT_READY' });
    expect(responses.every((r) => r?.status === 401 || r?.status === 503)).toBe(true);
  });
});
