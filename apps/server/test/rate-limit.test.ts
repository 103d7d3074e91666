import { afterEach, describe, expect, it } from 'vitest';
import { type ApiInit, type ApiResponse } from '@hdns/testkit';
import { startTestServer, type TestServer } from './helpers.js';

/**
 * The REST rate limit (HDNS_RATE_LIMIT_MAX per HDNS_RATE_LIMIT_WINDOW) on the real app: per
 * user id with a valid token, per client address otherwise, never on probes, /metrics or the
 * dashboard. Client addresses come from X-Forwarded-For through the trusted loopback proxy.
 */

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const LIMIT = 5;

async function start(): Promise<TestServer> {
  server = await startTestServer({
    env: {
      HDNS_RATE_LIMIT_MAX: String(LIMIT),
      HDNS_RATE_LIMIT_WINDOW: '60',
      HDNS_TRUSTED_PROXIES: '127.0.0.1',
    },
  });
  return server;
}

function from(address: string, init: ApiInit = {}): ApiInit {
  return { ...init, headers: { ...init.headers, 'x-forwarded-for': address } };
}

function expectRateLimited(res: ApiResponse): void {
  expect(res.status).toBe(429);
  expect(res.body).toEqual({
    code: 'RATE_LIMITED',
    message: 'Too many requests; slow down and retry later',
    details: { retryAfterSeconds: expect.any(Number) },
  });
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.headers.get('x-ratelimit-limit')).toBe(String(LIMIT));
  expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
}

describe('REST rate limit', () => {
  it('answers 429 RATE_LIMITED with Retry-After on an authenticated route past the limit, per user whatever the address', async () => {
    const s = await start();
    // The login is an anonymous request of 127.0.0.1 (no forwarded header): its own budget.
    const admin = await s.login();
    for (let i = 0; i < LIMIT; i++) {
      const ok = await s.api('/api/zones', from('198.51.100.1', { token: admin.accessToken }));
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-ratelimit-remaining')).toBe(String(LIMIT - i - 1));
    }
    expectRateLimited(
      await s.api('/api/zones', from('198.51.100.1', { token: admin.accessToken })),
    );
    // The budget is the user's: another address does not reset it, nor does another route.
    expectRateLimited(
      await s.api('/api/auth/me', from('198.51.100.2', { token: admin.accessToken })),
    );
    // Anonymous requests from another address have their own budget (and get 401, not 429).
    expect((await s.api('/api/zones', from('198.51.100.2'))).status).toBe(401);
  });

  it('counts anonymous requests and invalid tokens by address', async () => {
    const s = await start();
    const bogus = { token: 'not.a.token' };
    for (let i = 0; i < LIMIT; i++) {
      expect((await s.api('/api/zones', from('198.51.100.3', i % 2 ? bogus : {}))).status).toBe(
        401,
      );
    }
    expectRateLimited(await s.api('/api/zones', from('198.51.100.3', bogus)));
    // Unknown /api paths count too (probing is requests).
    expectRateLimited(await s.api('/api/no-such-thing', from('198.51.100.3')));
    expect((await s.api('/api/no-such-thing', from('198.51.100.4'))).status).toBe(404);
  });

  it('never limits /healthz, /readyz, /metrics or the dashboard', async () => {
    const s = await start();
    const address = '198.51.100.5';
    for (let i = 0; i < LIMIT; i++) await s.api('/api/zones', from(address));
    expectRateLimited(await s.api('/api/zones', from(address)));
    for (let i = 0; i < 4 * LIMIT; i++) {
      for (const path of ['/healthz', '/readyz', '/metrics', '/', '/zones/example.com']) {
        const res = await s.api(path, from(address));
        expect(res.status).not.toBe(429);
      }
    }
    expect((await s.api('/healthz', from(address))).body).toEqual({ status: 'ok' });
  });
});
