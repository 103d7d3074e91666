/**
 * Issue 11 item 7, revocation of sockets that are not registered yet: a socket upgraded with an
 * `Authorization: Bearer` header is verified at the upgrade but only registers at `hello`. When
 * the user is disabled or demoted in between, `disconnectUser` finds no session to close; the
 * hub's revocation mark must refuse the later hello (no token in it) with the change's close
 * code instead of streaming with the rights read before. And an open socket closes as soon as
 * the change commits, even when the audit insert after it fails (e.g. disk full). Real app on a
 * real port, real sockets, real SQLite.
 */
import { CloseCode } from '@hdns/protocol';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TestClient } from '@hdns/testkit';
import { serverForFile } from './server-per-file.js';

const f = serverForFile();

async function bearerSocket(token: string): Promise<TestClient> {
  const ws = new WebSocket(f.s.wsUrl, { headers: { authorization: `Bearer ${token}` } });
  const client = TestClient.wrap(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return client;
}

const cases = [
  { change: 'disable', body: { disabled: true }, code: CloseCode.CREDENTIALS_REVOKED },
  { change: 'role', body: { role: 'viewer' }, code: CloseCode.PERMISSIONS_CHANGED },
] as const;

describe('a bearer-upgraded socket that says hello after a revocation', () => {
  it.each(cases)('is refused with $code after a $change change', async (c) => {
    const username = `pending-${c.change}`;
    const created = await f.s.api('/api/users', {
      token: f.admin.accessToken,
      body: { username, password: 'first-password-1', role: 'operator', zones: null },
    });
    expect(created.status).toBe(201);
    const user = created.body as { id: string; version: number };
    const session = await f.s.login(username, 'first-password-1');
    const client = await bearerSocket(session.accessToken);

    const patched = await f.s.api(`/api/users/${user.id}`, {
      method: 'PATCH',
      token: f.admin.accessToken,
      body: { ...c.body, version: user.version },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    // Still open: it was not registered, so nothing closed it yet.
    expect(client.closed).toBeUndefined();

    client.send({ type: 'hello', id: 'h1', protocol: 1 });
    expect((await client.waitClosed()).code).toBe(c.code);
    expect(client.frames.some((f) => f.type === 'welcome')).toBe(false);
    expect(client.events).toEqual([]);
  });

  it('still goes live when nothing changed for its user', async () => {
    const other = await f.s.api('/api/users', {
      token: f.admin.accessToken,
      body: { username: 'pending-other', password: 'first-password-1', role: 'operator' },
    });
    expect(other.status).toBe(201);
    const session = await f.s.login('pending-other', 'first-password-1');
    const client = await bearerSocket(session.accessToken);
    // Another user's revocation moves the global mark but must not refuse this one.
    const victim = await f.s.api('/api/users', {
      token: f.admin.accessToken,
      body: { username: 'pending-victim', password: 'first-password-1', role: 'operator' },
    });
    const v = victim.body as { id: string; version: number };
    const patched = await f.s.api(`/api/users/${v.id}`, {
      method: 'PATCH',
      token: f.admin.accessToken,
      body: { disabled: true, version: v.version },
    });
    expect(patched.status).toBe(200);
    client.send({ type: 'hello', id: 'h1', protocol: 1 });
    const welcome = await client.next('welcome');
    expect(welcome.user.username).toBe('pending-other');
    client.close();
  });
});

describe('closing sockets does not depend on the audit insert', () => {
  it('closes the socket of a disabled user although the audit write fails', async () => {
    const created = await f.s.api('/api/users', {
      token: f.admin.accessToken,
      body: { username: 'audit-broken', password: 'first-password-1', role: 'operator' },
    });
    expect(created.status).toBe(201);
    const user = created.body as { id: string; version: number };
    const session = await f.s.login('audit-broken', 'first-password-1');
    const { client } = await TestClient.connect(f.s.wsUrl, { token: session.accessToken });
    // Every audit insert fails from now on, as on a full disk; the user change itself commits.
    await sql`CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log
      BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`.execute(f.s.app.db);
    try {
      const patched = await f.s.api(`/api/users/${user.id}`, {
        method: 'PATCH',
        token: f.admin.accessToken,
        body: { disabled: true, version: user.version },
      });
      expect(patched.status).toBe(500);
      expect((await client.waitClosed()).code).toBe(CloseCode.CREDENTIALS_REVOKED);
      const stored = await f.s.app.users.findStored(user.id);
      expect(stored?.disabled).toBe(true);
    } finally {
      await sql`DROP TRIGGER audit_fails`.execute(f.s.app.db);
    }
  });
});
