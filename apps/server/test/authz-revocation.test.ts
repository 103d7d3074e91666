/**
 * Issue 11 item 7, token revocation: changing a user's role, zones or password, or disabling
 * them, voids their access tokens at once (token version checked on every REST request and
 * WebSocket authentication, in-band refresh included) and closes their open sockets with a
 * documented code: PERMISSIONS_CHANGED (reconnect with a refreshed token) for role/zones,
 * CREDENTIALS_REVOKED (terminal) for password/disable; legacy sockets get 4001. Real app on a
 * real port, real WebSockets.
 */
import { CloseCode } from '@hdns/protocol';
import { LEGACY_CLOSE } from '@hdns/protocol/legacy';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TestClient } from '@hdns/testkit';
import { serverForFile } from './server-per-file.js';

const f = serverForFile();

async function createOperator(username: string): Promise<{ id: string; version: number }> {
  const res = await f.s.api('/api/users', {
    token: f.admin.accessToken,
    body: { username, password: 'first-password-1', role: 'operator', zones: null },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; version: number };
}

/** A legacy (generation 2) socket, open and greeted; resolves its close code when it closes. */
async function openLegacy(token: string): Promise<{ closed: Promise<number> }> {
  const ws = new WebSocket(`${f.s.wsUrl}?token=${token}`);
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { type?: string };
      if (frame.type === 'connection_established') resolve();
    });
    ws.on('error', reject);
    void closed.then((code) => reject(new Error(`legacy socket closed early with ${code}`)));
  });
  return { closed };
}

/** Opens a v1 socket with `token`; resolves the close code when the server refuses the hello. */
async function helloRefusedWith(token: string): Promise<number> {
  const client = await TestClient.open(f.s.wsUrl);
  client.send({ type: 'hello', id: 'h1', protocol: 1, token });
  return (await client.waitClosed()).code;
}

const cases = [
  {
    change: 'role',
    body: { role: 'viewer' },
    code: CloseCode.PERMISSIONS_CHANGED,
    refreshed: { role: 'viewer', zones: null },
  },
  {
    change: 'zones',
    body: { zones: ['example.com'] },
    code: CloseCode.PERMISSIONS_CHANGED,
    refreshed: { role: 'operator', zones: ['example.com'] },
  },
  {
    change: 'password',
    body: { password: 'second-password-2' },
    code: CloseCode.CREDENTIALS_REVOKED,
  },
  { change: 'disable', body: { disabled: true }, code: CloseCode.CREDENTIALS_REVOKED },
] as const;

describe('a change of rights or credentials ends the old access token at once', () => {
  it.each(cases)(
    'after a $change change: REST 401, v1 socket closes $code, legacy socket closes 4001',
    async (c) => {
      const user = await createOperator(`u-${c.change}`);
      const session = await f.s.login(`u-${c.change}`, 'first-password-1');
      const old = session.accessToken;
      expect((await f.s.api('/api/zones', { token: old })).status).toBe(200);
      const { client: v1 } = await TestClient.connect(f.s.wsUrl, { token: old });
      const legacy = await openLegacy(old);

      const patched = await f.s.api(`/api/users/${user.id}`, {
        method: 'PATCH',
        token: f.admin.accessToken,
        body: { ...c.body, version: user.version },
      });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);

      // REST, at once: the very next request with the old token is refused.
      const rest = await f.s.api('/api/zones', { token: old });
      expect(rest.status).toBe(401);
      expect(rest.body).toMatchObject({ code: 'AUTH_FAILED' });
      // Open sockets close with the documented codes.
      expect((await v1.waitClosed()).code).toBe(c.code);
      expect(await legacy.closed).toBe(LEGACY_CLOSE.AUTH_FAILED.code);
      // A new socket with the old token is refused too.
      expect(await helloRefusedWith(old)).toBe(CloseCode.AUTH_FAILED);

      const refresh = await f.s.api('/api/auth/refresh', {
        method: 'POST',
        cookie: session.refreshCookie,
      });
      if (!('refreshed' in c)) {
        // Password change and disable also revoke the refresh tokens: sign in again.
        expect(refresh.status).toBe(401);
        return;
      }
      // Role and zones: a refreshed token carries the new rights and gets back in.
      expect(refresh.status).toBe(200);
      const fresh = (refresh.body as { accessToken: string }).accessToken;
      expect((await f.s.api('/api/zones', { token: fresh })).status).toBe(200);
      const again = await TestClient.connect(f.s.wsUrl, { token: fresh });
      expect(again.welcome.user).toMatchObject(c.refreshed);
      // In-band refresh with the voided token is refused; the fresh session stays.
      const reply = await again.client.request({ type: 'auth', token: old }, 'error');
      expect(reply).toMatchObject({ code: 'AUTH_FAILED' });
      expect(again.client.closed).toBeUndefined();
      again.client.close();
    },
  );

  it('leaves other users, and a change that moves no right, alone', async () => {
    const user = await createOperator('u-same');
    const session = await f.s.login('u-same', 'first-password-1');
    const { client } = await TestClient.connect(f.s.wsUrl, { token: session.accessToken });
    const patched = await f.s.api(`/api/users/${user.id}`, {
      method: 'PATCH',
      token: f.admin.accessToken,
      body: { role: 'operator', zones: null, version: user.version },
    });
    expect(patched.status).toBe(200);
    expect((await f.s.api('/api/zones', { token: session.accessToken })).status).toBe(200);
    // The same socket still answers a request, so it was not closed.
    const pong = await client.request({ type: 'ping' }, 'pong');
    expect(pong.type).toBe('pong');
    expect(client.closed).toBeUndefined();
    expect((await f.s.api('/api/users', { token: f.admin.accessToken })).status).toBe(200);
    client.close();
  });
});
