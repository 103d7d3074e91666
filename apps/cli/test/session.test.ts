/**
 * Session against the real server process (@hdns/testkit): a token near expiry is exchanged
 * with the refresh cookie (once, even for concurrent callers), the rotated cookie is saved with
 * mode 0600, and a
 * revoked session becomes SessionExpiredError.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcessServer, TEST_ADMIN_PASSWORD, type ProcessServer } from '@hdns/testkit';
import type { Credentials } from '../src/credentials.js';
import { login, Session, SessionExpiredError } from '../src/session.js';

let server: ProcessServer;
let dir: string;
beforeAll(async () => {
  server = await startProcessServer();
  dir = await mkdtemp(path.join(os.tmpdir(), 'hdns-session-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Credentials as if issued `lifetimeMs` ago and expiring in `leftMs`. */
function aged(c: Credentials, lifetimeMs: number, leftMs: number): Credentials {
  const now = Date.now();
  return {
    ...c,
    issuedAt: new Date(now + leftMs - lifetimeMs).toISOString(),
    expiresAt: new Date(now + leftMs).toISOString(),
  };
}

describe('Session', () => {
  it('uses the stored token while it is fresh and refreshes it near expiry', async () => {
    const fresh = await login(server.url, 'admin', TEST_ADMIN_PASSWORD);
    expect(fresh.refreshCookie).toMatch(/^hdns_refresh=/);
    const file = path.join(dir, 'fresh.json');
    expect(await new Session(fresh, file).getToken()).toBe(fresh.accessToken);

    // 10 of 15 minutes left: fresh enough. 3 left (< a quarter): refresh, once for two callers.
    expect(await new Session(aged(fresh, 900_000, 600_000), file).getToken()).toBe(
      fresh.accessToken,
    );
    const session = new Session(aged(fresh, 900_000, 180_000), file);
    const [a, b] = await Promise.all([session.getToken(), session.getToken()]);
    expect(a).toBe(b);
    const saved = JSON.parse(await readFile(file, 'utf8')) as Credentials;
    expect(saved.accessToken).toBe(a);
    expect(saved.refreshCookie).not.toBe(fresh.refreshCookie); // rotated
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const me = await server.api('/api/auth/me', { token: a });
    expect(me.status).toBe(200);
  });

  it('reports an expired or revoked session as SessionExpiredError', async () => {
    const creds = await login(server.url, 'admin', TEST_ADMIN_PASSWORD);
    const logout = await server.api('/api/auth/logout', {
      method: 'POST',
      cookie: creds.refreshCookie ?? '',
    });
    expect(logout.status).toBe(204);
    const session = new Session(aged(creds, 900_000, -1), path.join(dir, 'revoked.json'));
    await expect(session.getToken()).rejects.toBeInstanceOf(SessionExpiredError);
    await expect(session.getToken()).rejects.toThrow('run `hdns login` again');
  });
});
