import { TEST_DATABASE } from './storage-backends.js';
import { dialectOf } from '../src/storage/dialect.js';
import { statSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '@hdns/testkit';
import { JWT_SECRET_FILE } from '../src/auth/jwt-secret.js';
import { startTestServer, type TestServer } from './helpers.js';

const servers: TestServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => removeDir(d)));
});

async function start(...args: Parameters<typeof startTestServer>): Promise<TestServer> {
  const s = await startTestServer(...args);
  servers.push(s);
  return s;
}

describe('health', () => {
  it('runs on the test database engine (HDNS_TEST_DATABASE: SQLite by default)', async () => {
    const s = await start();
    expect(dialectOf(s.app.db)).toBe(TEST_DATABASE);
  });

  it('gives each PostgreSQL session HDNS_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT (SQLite ignores it)', async () => {
    const s = await start({ env: { HDNS_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT: '45s' } });
    if (TEST_DATABASE === 'postgres') {
      const r = await sql<{
        idle_in_transaction_session_timeout: string;
      }>`show idle_in_transaction_session_timeout`.execute(s.app.db);
      expect(r.rows[0]?.idle_in_transaction_session_timeout).toBe('45s');
    } else {
      expect(dialectOf(s.app.db)).toBe('sqlite');
    }
    expect((await s.api('/readyz')).status).toBe(200);
  });

  it('serves /healthz and /readyz, and /readyz answers 503 NOT_READY when the db is gone', async () => {
    const s = await start();
    expect(await s.api('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await s.api('/readyz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    await s.app.db.destroy();
    const res = await s.api('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'NOT_READY' });
    expect((await s.api('/healthz')).status).toBe(200);
  });
});

describe('errors', () => {
  it('answers unknown routes with NOT_FOUND', async () => {
    const s = await start();
    const res = await s.api('/api/nope');
    expect(res).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', message: 'Not found' } });
  });

  it('answers bad JSON with BAD_JSON_BODY and too large a body with PAYLOAD_TOO_LARGE', async () => {
    const s = await start();
    const bad = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username": ',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'BAD_JSON_BODY' });

    const big = await s.api('/api/auth/login', {
      body: { username: 'admin', password: 'x'.repeat(64 * 1024) },
    });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });

    const text = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(await text.json()).toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('hides internal errors behind INTERNAL without a stack', async () => {
    const s = await start({
      beforeListen: (app) => {
        app.get('/boom', () => Promise.reject(new Error('secret internals at /srv/x.ts:12')));
      },
    });
    const res = await s.api('/boom');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ code: 'INTERNAL', message: 'Internal error' });
  });
});

describe('OpenAPI', () => {
  it('serves a valid OpenAPI document listing the auth, user and health routes', async () => {
    const s = await start();
    const res = await s.api('/docs/json');
    expect(res.status).toBe(200);
    const doc = res.body as {
      openapi: string;
      info: { title: string };
      paths: Record<
        string,
        Record<string, { tags?: string[]; responses: Record<string, unknown> }>
      >;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/login',
        '/api/auth/refresh',
        '/api/auth/logout',
        '/api/auth/me',
        '/api/users',
        '/api/users/{id}',
        '/healthz',
        '/readyz',
      ]),
    );
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/docs'))).toBe(false);
    expect(doc.paths['/api/auth/login']?.post?.tags).toEqual(['auth']);
    expect(doc.paths['/api/users/{id}']?.patch?.tags).toEqual(['users']);
    expect(Object.keys(doc.paths['/api/users/{id}']?.patch?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '409', '500']),
    );
    expect(JSON.stringify(doc)).toContain('#/components/schemas/ErrorBody');
    expect(doc.components.securitySchemes).toHaveProperty('bearerAuth');
    expect(Object.keys(doc.components.schemas).join()).toMatch(/ErrorBody/);

    const ui = await fetch(`${s.url}/docs`);
    expect(ui.status).toBeLessThan(400);
  });
});

describe('restart', () => {
  it('keeps users and the JWT secret across a restart on the same data dir', async () => {
    const dataDir = await makeTempDir();
    dirs.push(dataDir);
    const first = await start({ dataDir });
    const admin = await first.login();
    const created = await first.api('/api/users', {
      token: admin.accessToken,
      body: {
        username: 'persist',
        password: 'persist-password',
        role: 'operator',
        zones: ['a.example'],
      },
    });
    expect(created.status).toBe(201);
    const secretFile = path.join(dataDir, JWT_SECRET_FILE);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    if (TEST_DATABASE === 'sqlite') {
      expect(statSync(path.join(dataDir, 'hdns.sqlite')).mode & 0o777).toBe(0o600);
    }
    await first.close();

    const second = await start({ dataDir, env: { HDNS_ADMIN_PASSWORD: 'a-different-password' } });
    // The old access token still verifies: same secret file.
    const me = await second.api('/api/auth/me', { token: admin.accessToken });
    expect(me).toMatchObject({ status: 200, body: { username: 'admin' } });
    // The admin was not re-created with the new password.
    await expect(second.login('admin', 'a-different-password')).rejects.toThrow(/401/);
    const persisted = await second.login('persist', 'persist-password');
    expect(persisted.user).toMatchObject({ role: 'operator', zones: ['a.example'] });
    // The refresh cookie from before the restart still works.
    const refresh = await second.api('/api/auth/refresh', {
      method: 'POST',
      cookie: admin.refreshCookie,
    });
    expect(refresh.status).toBe(200);
  });

  it('generates an admin password once when none is configured', async () => {
    const dataDir = await makeTempDir();
    dirs.push(dataDir);
    const s = await start({ dataDir, env: { HDNS_ADMIN_PASSWORD: '' } });
    const generated = s.app.takeGeneratedAdminPassword();
    expect(generated).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(s.app.takeGeneratedAdminPassword()).toBeNull();
    await expect(s.login('admin', generated ?? '')).resolves.toMatchObject({
      user: { role: 'admin' },
    });
  });

  it('close() is idempotent', async () => {
    const s = await start();
    await Promise.all([s.app.close(), s.close()]);
    await s.close();
  });
});

describe('logging', () => {
  it('never writes passwords or tokens to the log', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const s = await start({ logger: { level: 'trace', stream } });
    const session = await s.login();
    await s.api('/api/auth/login', { body: { username: 'admin', password: 'wrong-password-123' } });
    await s.api('/api/users', {
      token: session.accessToken,
      body: { username: 'logme', password: 'logme-password', role: 'viewer' },
    });
    const refreshed = await s.api('/api/auth/refresh', {
      method: 'POST',
      cookie: session.refreshCookie,
    });
    const newAccess = (refreshed.body as { accessToken: string }).accessToken;
    await s.api(`/ws/legacy/1?token=${session.accessToken}&x=1`);
    await s.api('/api/auth/me', { token: 'garbage-token-value' });
    await s.api('/api/auth/logout', { method: 'POST', cookie: session.refreshCookie });
    await s.close();

    const log = lines.join('');
    expect(log).toContain('incoming request');
    expect(log).toContain('token=[REDACTED]');
    for (const secret of [
      s.adminPassword,
      'wrong-password-123',
      'logme-password',
      session.accessToken,
      session.refreshCookie.split('=')[1] ?? 'missing',
      newAccess,
      'garbage-token-value',
    ]) {
      expect(log).not.toContain(secret);
    }
  });
});
