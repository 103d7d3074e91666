import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type LoginResult, type TestServer } from './helpers.js';

interface UserBody {
  id: string;
  username: string;
  role: string;
  zones: string[] | null;
  disabled: boolean;
  version: number;
}

let s: TestServer;
let admin: LoginResult;

beforeAll(async () => {
  s = await startTestServer();
  admin = await s.login();
});
afterAll(async () => {
  await s.close();
});

async function createUser(body: Record<string, unknown>): Promise<UserBody> {
  const res = await s.api('/api/users', { token: admin.accessToken, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as UserBody;
}

describe('role enforcement on /api/users', () => {
  it('answers 401 without a token and 403 FORBIDDEN for viewers and operators', async () => {
    expect((await s.api('/api/users')).body).toMatchObject({ code: 'UNAUTHORIZED' });
    await createUser({ username: 'vic', password: 'viewer-pass', role: 'viewer' });
    await createUser({ username: 'otto', password: 'operator-pass', role: 'operator' });
    for (const [name, pw] of [
      ['vic', 'viewer-pass'],
      ['otto', 'operator-pass'],
    ] as const) {
      const { accessToken } = await s.login(name, pw);
      const list = await s.api('/api/users', { token: accessToken });
      expect(list.status).toBe(403);
      expect(list.body).toMatchObject({ code: 'FORBIDDEN' });
      // Authorisation comes before body validation.
      const create = await s.api('/api/users', { token: accessToken, body: { nonsense: true } });
      expect(create.status).toBe(403);
      const me = await s.api('/api/auth/me', { token: accessToken });
      expect(me.status).toBe(200);
    }
    const list = await s.api('/api/users', { token: admin.accessToken });
    expect(list.status).toBe(200);
  });
});

describe('user CRUD', () => {
  it('creates, reads, lists, updates and deletes', async () => {
    const created = await createUser({
      username: 'Carol',
      password: 'carol-password',
      role: 'operator',
      zones: ['Example.COM.', 'b.example.org', 'example.com'],
    });
    expect(created).toMatchObject({
      username: 'Carol',
      role: 'operator',
      zones: ['b.example.org', 'example.com'],
      disabled: false,
      version: 1,
    });
    expect(created).not.toHaveProperty('passwordHash');
    expect(JSON.stringify(created)).not.toContain('scrypt');

    const got = await s.api(`/api/users/${created.id}`, { token: admin.accessToken });
    expect(got.body).toEqual(created);
    const list = await s.api('/api/users', { token: admin.accessToken });
    expect((list.body as { users: UserBody[] }).users.map((u) => u.username)).toContain('Carol');

    const patched = await s.api(`/api/users/${created.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      body: { role: 'viewer', zones: null, version: 1 },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ role: 'viewer', zones: null, version: 2 });

    const pw = await s.api(`/api/users/${created.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      body: { password: 'carol-new-password', version: 2 },
    });
    expect(pw.status).toBe(200);
    await expect(s.login('carol', 'carol-password')).rejects.toThrow(/401/);
    const carol = await s.login('carol', 'carol-new-password');
    expect(carol.user.role).toBe('viewer');

    const del = await s.api(`/api/users/${created.id}`, {
      method: 'DELETE',
      token: admin.accessToken,
    });
    expect(del.status).toBe(204);
    const gone = await s.api(`/api/users/${created.id}`, { token: admin.accessToken });
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: 'NOT_FOUND' });
    // The deleted user's token stops working at once.
    expect((await s.api('/api/auth/me', { token: carol.accessToken })).body).toMatchObject({
      code: 'AUTH_FAILED',
    });

    const actions = (await s.app.auditLog.list({ target: `user:${created.id}` })).map(
      (e) => e.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['user_create', 'user_update', 'user_delete']));
    const audit = JSON.stringify(await s.app.auditLog.list({ limit: 1000 }));
    expect(audit).not.toContain('carol-password');
    expect(audit).not.toContain('carol-new-password');
  });

  it('applies a role change at once: the old token is void, a refreshed one has the new role', async () => {
    const u = await createUser({ username: 'promo', password: 'promo-password', role: 'viewer' });
    const session = await s.login('promo', 'promo-password');
    expect((await s.api('/api/users', { token: session.accessToken })).status).toBe(403);
    await s.api(`/api/users/${u.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      body: { role: 'admin', version: u.version },
    });
    expect((await s.api('/api/users', { token: session.accessToken })).status).toBe(401);
    const refresh = await s.api('/api/auth/refresh', {
      method: 'POST',
      cookie: session.refreshCookie,
    });
    expect(refresh.status).toBe(200);
    const fresh = (refresh.body as { accessToken: string }).accessToken;
    expect((await s.api('/api/users', { token: fresh })).status).toBe(200);
  });

  it.each([
    [{ username: 'x', password: 'short', role: 'viewer' }, '/password'],
    [{ username: 'bad name', password: 'long-enough', role: 'viewer' }, '/username'],
    [{ username: 'y', password: 'long-enough', role: 'root' }, '/role'],
    [{ username: 'z', password: 'long-enough', role: 'viewer', zones: ['not a zone'] }, '/zones/0'],
    [{ username: 'w', password: 'long-enough', role: 'viewer', extra: 1 }, '/'],
    [{ password: 'long-enough', role: 'viewer' }, '/username'],
  ])('rejects invalid input %j with VALIDATION_ERROR at %s', async (body, pathName) => {
    const res = await s.api('/api/users', { token: admin.accessToken, body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_ERROR' });
    const issues = (res.body as { details: { issues: { path: string }[] } }).details.issues;
    expect(issues.map((i) => i.path)).toContain(pathName);
  });

  it('rejects zones for an admin', async () => {
    const res = await s.api('/api/users', {
      token: admin.accessToken,
      body: { username: 'zadmin', password: 'long-enough', role: 'admin', zones: ['a.com'] },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('rejects a non-uuid id and an unknown id', async () => {
    const bad = await s.api('/api/users/123', { token: admin.accessToken });
    expect(bad.status).toBe(400);
    const unknown = await s.api('/api/users/00000000-0000-4000-8000-000000000000', {
      method: 'PATCH',
      token: admin.accessToken,
      body: { role: 'viewer', version: 1 },
    });
    expect(unknown.status).toBe(404);
  });

  it('answers 409 USERNAME_TAKEN for a duplicate, case-insensitively', async () => {
    await createUser({ username: 'dupe', password: 'dupe-password', role: 'viewer' });
    const res = await s.api('/api/users', {
      token: admin.accessToken,
      body: { username: 'DUPE', password: 'dupe-password', role: 'viewer' },
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'USERNAME_TAKEN' });
  });

  it('answers 409 STALE_VERSION when the version does not match', async () => {
    const u = await createUser({ username: 'stale', password: 'stale-password', role: 'viewer' });
    const first = await s.api(`/api/users/${u.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      body: { role: 'operator', version: 1 },
    });
    expect(first.status).toBe(200);
    const second = await s.api(`/api/users/${u.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      body: { disabled: true, version: 1 },
    });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'STALE_VERSION', details: { currentVersion: 2 } });
  });

  it('protects the last active admin from delete, demotion and disable', async () => {
    const list = (await s.api('/api/users', { token: admin.accessToken })).body as {
      users: UserBody[];
    };
    // Leave exactly one active admin: the bootstrap one.
    for (const u of list.users.filter((x) => x.role === 'admin' && x.username !== 'admin')) {
      await s.api(`/api/users/${u.id}`, { method: 'DELETE', token: admin.accessToken });
    }
    const me = (await s.api(`/api/users/${admin.user.id}`, { token: admin.accessToken }))
      .body as UserBody;
    for (const body of [{ role: 'operator' }, { disabled: true }]) {
      const res = await s.api(`/api/users/${me.id}`, {
        method: 'PATCH',
        token: admin.accessToken,
        body: { ...body, version: me.version },
      });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'LAST_ADMIN' });
    }
    const del = await s.api(`/api/users/${me.id}`, { method: 'DELETE', token: admin.accessToken });
    expect(del.status).toBe(409);
    expect(del.body).toMatchObject({ code: 'LAST_ADMIN' });

    // With a second admin the first may step down.
    const second = await createUser({
      username: 'admin2',
      password: 'admin2-password',
      role: 'admin',
    });
    const demote = await s.api(`/api/users/${me.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      body: { role: 'operator', version: me.version },
    });
    expect(demote.status).toBe(200);
    const a2 = await s.login('admin2', 'admin2-password');
    const restore = await s.api(`/api/users/${me.id}`, {
      method: 'PATCH',
      token: a2.accessToken,
      body: { role: 'admin', version: me.version + 1 },
    });
    expect(restore.status).toBe(200);
    await s.api(`/api/users/${second.id}`, { method: 'DELETE', token: admin.accessToken });
  });
});
