/**
 * Issue 16 part 3, API tokens, against the real app on a real port: create, list and revoke;
 * scope limits at creation and at each use; read-only refusal; expiry; the secret kept only as
 * its SHA-256; REST and /ws authentication with a token; revocation closing the token's sockets
 * (and only those); audit rows, folded per token, address and minute.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CloseCode } from '@hdns/protocol';
import type { ApiToken, CreatedApiToken } from '@hdns/protocol/rest';
import { TestClient } from '@hdns/testkit';
import { LEGACY_CLOSE } from '@hdns/protocol/legacy';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { serverForFile } from './server-per-file.js';

// Token sockets and the owner's own socket side by side.
const f = serverForFile({ env: { HDNS_WS_MAX_PER_USER: '4' } });

async function createUser(
  username: string,
  role: string,
  zones: string[] | null = null,
): Promise<{ id: string; accessToken: string }> {
  const res = await f.s.api('/api/users', {
    token: f.admin.accessToken,
    body: { username, password: 'password-123', role, zones },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const login = await f.s.login(username, 'password-123');
  return { id: (res.body as { id: string }).id, accessToken: login.accessToken };
}

async function createToken(
  bearer: string,
  body: Record<string, unknown>,
): Promise<CreatedApiToken> {
  const res = await f.s.api('/api/tokens', { token: bearer, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as CreatedApiToken;
}

async function me(bearer: string) {
  return f.s.api('/api/auth/me', { token: bearer });
}

describe('API tokens over REST', () => {
  it('creates, lists and revokes; the secret is shown once and works as a bearer token', async () => {
    const created = await createToken(f.admin.accessToken, { name: 'backup script' });
    expect(created.secret).toMatch(/^hdns_[A-Za-z0-9_-]{43}$/);
    expect(created.token).toMatchObject({
      name: 'backup script',
      role: 'admin',
      zones: null,
      readOnly: false,
      expiresAt: null,
      lastUsedAt: null,
      ownerUsername: 'admin',
    });
    expect(created.secret.startsWith(created.token.prefix)).toBe(true);
    expect(created.token.prefix.length).toBeLessThan(created.secret.length / 2);

    const who = await me(created.secret);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ username: 'admin', role: 'admin' });
    // A use's bookkeeping is written beside the request, not before its answer.
    await f.s.app.apiTokenVerifier.settled();

    const list = await f.s.api('/api/tokens', { token: f.admin.accessToken });
    expect(list.status).toBe(200);
    const listed = (list.body as { tokens: ApiToken[] }).tokens.find(
      (t) => t.id === created.token.id,
    );
    expect(listed?.lastUsedAt).not.toBeNull();
    expect(listed?.lastUsedFrom).toBe('127.0.0.1');
    expect(JSON.stringify(list.body)).not.toContain(created.secret);

    const revoked = await f.s.api(`/api/tokens/${created.token.id}`, {
      method: 'DELETE',
      token: f.admin.accessToken,
    });
    expect(revoked.status).toBe(204);
    const after = await me(created.secret);
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ code: 'AUTH_FAILED' });
    const again = await f.s.api(`/api/tokens/${created.token.id}`, {
      method: 'DELETE',
      token: f.admin.accessToken,
    });
    expect(again.status).toBe(404);
    const listAfter = await f.s.api('/api/tokens', { token: f.admin.accessToken });
    expect((listAfter.body as { tokens: ApiToken[] }).tokens.map((t) => t.id)).not.toContain(
      created.token.id,
    );
  });

  it('refuses a role or zones wider than the creator’s', async () => {
    const op = await createUser('scoped-op', 'operator', ['a.test', 'b.test']);
    const tooHigh = await f.s.api('/api/tokens', {
      token: op.accessToken,
      body: { name: 'x', role: 'admin' },
    });
    expect(tooHigh.status).toBe(403);
    expect(tooHigh.body).toMatchObject({
      code: 'TOKEN_SCOPE_TOO_WIDE',
      details: { field: 'role' },
    });
    const otherZone = await f.s.api('/api/tokens', {
      token: op.accessToken,
      body: { name: 'x', zones: ['a.test', 'c.test'] },
    });
    expect(otherZone.status).toBe(403);
    expect(otherZone.body).toMatchObject({
      code: 'TOKEN_SCOPE_TOO_WIDE',
      details: { field: 'zones' },
    });

    const narrow = await createToken(op.accessToken, { name: 'a only', zones: ['A.test.'] });
    expect(narrow.token).toMatchObject({ role: 'operator', zones: ['a.test'] });
    expect((await me(narrow.secret)).body).toMatchObject({ role: 'operator', zones: ['a.test'] });
    const wide = await createToken(op.accessToken, { name: 'all mine', role: 'viewer' });
    expect((await me(wide.secret)).body).toMatchObject({
      role: 'viewer',
      zones: ['a.test', 'b.test'],
    });

    // A token cannot mint tokens.
    const minted = await f.s.api('/api/tokens', { token: wide.secret, body: { name: 'child' } });
    expect(minted.status).toBe(403);
    expect(minted.body).toMatchObject({ code: 'FORBIDDEN' });
  });

  it("never acts beyond its owner's current rights; a disabled owner's tokens stop", async () => {
    const user = await createUser('demoted-op', 'operator');
    const token = await createToken(user.accessToken, { name: 'ops' });
    expect((await me(token.secret)).body).toMatchObject({ role: 'operator', zones: null });

    const got = await f.s.api(`/api/users/${user.id}`, { token: f.admin.accessToken });
    const version = (got.body as { version: number }).version;
    const demote = await f.s.api(`/api/users/${user.id}`, {
      method: 'PATCH',
      token: f.admin.accessToken,
      body: { role: 'viewer', zones: ['z.test'], version },
    });
    expect(demote.status).toBe(200);
    expect((await me(token.secret)).body).toMatchObject({ role: 'viewer', zones: ['z.test'] });

    const disable = await f.s.api(`/api/users/${user.id}`, {
      method: 'PATCH',
      token: f.admin.accessToken,
      body: { disabled: true, version: version + 1 },
    });
    expect(disable.status).toBe(200);
    const refused = await me(token.secret);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'AUTH_FAILED' });
  });

  it('a viewer makes read-only viewer tokens; a read-only token may only read', async () => {
    const viewer = await createUser('reader', 'viewer');
    const mine = await createToken(viewer.accessToken, { name: 'dash', readOnly: true });
    expect(mine.token).toMatchObject({ role: 'viewer', readOnly: true, ownerUsername: 'reader' });

    const ro = await createToken(f.admin.accessToken, { name: 'ro admin', readOnly: true });
    const rw = await createToken(f.admin.accessToken, { name: 'rw admin' });
    const list = await f.s.api('/api/users', { token: ro.secret });
    expect(list.status).toBe(200);
    const target = (
      list.body as { users: { id: string; username: string; version: number }[] }
    ).users.find((u) => u.username === 'reader');
    if (!target) throw new Error('reader not listed');
    const write = await f.s.api(`/api/users/${target.id}`, {
      method: 'PATCH',
      token: ro.secret,
      body: { zones: null, version: target.version },
    });
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ code: 'READ_ONLY_TOKEN' });
    const allowed = await f.s.api(`/api/users/${target.id}`, {
      method: 'PATCH',
      token: rw.secret,
      body: { zones: null, version: target.version },
    });
    expect(allowed.status).toBe(200);
  });

  it('lists only your own tokens; everyone’s with all=true for an admin only', async () => {
    const viewer = await createUser('lister', 'viewer');
    const own = await createToken(viewer.accessToken, { name: 'lister token', role: 'viewer' });
    const adminToken = await createToken(f.admin.accessToken, { name: 'admin only' });
    const mine = await f.s.api('/api/tokens', { token: viewer.accessToken });
    const names = (mine.body as { tokens: ApiToken[] }).tokens.map((t) => t.name);
    expect(names).toEqual(['lister token']);
    const all = await f.s.api('/api/tokens?all=true', { token: viewer.accessToken });
    expect(all.status).toBe(403);
    const adminAll = await f.s.api('/api/tokens?all=true', { token: f.admin.accessToken });
    const ids = (adminAll.body as { tokens: ApiToken[] }).tokens.map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining([own.token.id, adminToken.token.id]));

    // Someone else's token is not found for a non-admin; an admin revokes it.
    const foreign = await f.s.api(`/api/tokens/${adminToken.token.id}`, {
      method: 'DELETE',
      token: viewer.accessToken,
    });
    expect(foreign.status).toBe(404);
    const byAdmin = await f.s.api(`/api/tokens/${own.token.id}`, {
      method: 'DELETE',
      token: f.admin.accessToken,
    });
    expect(byAdmin.status).toBe(204);
    expect((await me(own.secret)).status).toBe(401);
  });

  it('refuses an expired token with TOKEN_EXPIRED and a past expiresAt at creation', async () => {
    const past = await f.s.api('/api/tokens', {
      token: f.admin.accessToken,
      body: { name: 'past', expiresAt: '2000-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(400);
    const both = await f.s.api('/api/tokens', {
      token: f.admin.accessToken,
      body: { name: 'both', expiresAt: '2999-01-01T00:00:00Z', expiresInDays: 3 },
    });
    expect(both.status).toBe(400);

    const token = await createToken(f.admin.accessToken, { name: 'short', expiresInDays: 1 });
    const expiry = Date.parse(token.token.expiresAt ?? '');
    expect(expiry - Date.parse(token.token.createdAt)).toBe(24 * 60 * 60 * 1000);
    expect((await me(token.secret)).status).toBe(200);
    // The day has passed: move the stored expiry into the past.
    await f.s.app.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', token.token.id)
      .execute();
    const expired = await me(token.secret);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('keeps only the SHA-256 of the secret at rest', async () => {
    const token = await createToken(f.admin.accessToken, { name: 'at rest' });
    const row = await f.s.app.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', token.token.id)
      .executeTakeFirstOrThrow();
    const hash = createHash('sha256').update(token.secret).digest('hex');
    expect(row.token_hash).toBe(hash);
    expect(JSON.stringify(row)).not.toContain(token.secret.slice(5));
    if (f.s.config.databaseUrl === undefined) {
      // SQLite: the database file and its write-ahead log hold the hash, never the secret.
      const file = path.join(f.s.dataDir, 'hdns.sqlite');
      const bytes = Buffer.concat([
        await readFile(file),
        await readFile(`${file}-wal`).catch(() => Buffer.alloc(0)),
      ]).toString('latin1');
      expect(bytes).toContain(hash);
      expect(bytes).not.toContain(token.secret.slice(5));
    }
  });

  it('audits each use, folded into one row per token and address with a count', async () => {
    const token = await createToken(f.admin.accessToken, { name: 'audited' });
    for (let i = 0; i < 5; i++) expect((await me(token.secret)).status).toBe(200);
    await f.s.app.apiTokenVerifier.settled();
    const rows = await f.s.app.auditLog.list({
      action: 'api_token_use',
      target: `api_token:${token.token.id}`,
    });
    // Five uses within a minute fold into one row (two if the minute turned in between).
    const counted = rows.reduce((n, r) => n + ((r.details as { count: number }).count ?? 0), 0);
    expect(counted).toBe(5);
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(rows[0]).toMatchObject({ actorUsername: 'admin', ip: '127.0.0.1', success: true });
    expect(rows[0]?.details).toMatchObject({ tokenId: token.token.id, via: 'rest' });
    expect(JSON.stringify(rows)).not.toContain(token.secret);
    const created = await f.s.app.auditLog.list({
      action: 'api_token_create',
      target: `api_token:${token.token.id}`,
    });
    expect(created).toHaveLength(1);
    expect(JSON.stringify(created)).not.toContain(token.secret);
  });
});

describe('API tokens on /ws', () => {
  it('authenticates hello with a token; revoking it closes its socket and only its socket', async () => {
    const op = await createUser('ws-op', 'operator', ['w.test']);
    const token = await createToken(op.accessToken, { name: 'follower', role: 'viewer' });
    const { client, welcome } = await TestClient.connect(f.s.wsUrl, {
      token: token.secret,
      instanceId: 'token-client',
    });
    expect(welcome.user).toMatchObject({ username: 'ws-op', role: 'viewer', zones: ['w.test'] });
    const own = await TestClient.connect(f.s.wsUrl, {
      token: op.accessToken,
      instanceId: 'browser',
    });
    const watch = await TestClient.connect(f.s.wsUrl, {
      token: f.admin.accessToken,
      subscribe: ['session_expired'],
    });

    const revoked = await f.s.api(`/api/tokens/${token.token.id}`, {
      method: 'DELETE',
      token: op.accessToken,
    });
    expect(revoked.status).toBe(204);
    expect((await client.waitClosed()).code).toBe(CloseCode.CREDENTIALS_REVOKED);
    // The revocation is an event an admin's dashboard sees, committed with it (outbox).
    const event = await watch.client.waitFor(() =>
      watch.client.events.find(
        (e) =>
          e.event === 'session_expired' &&
          (e.data as { apiTokenId?: string }).apiTokenId === token.token.id,
      ),
    );
    expect(event.data).toEqual({
      userId: op.id,
      username: 'ws-op',
      apiTokenId: token.token.id,
      reason: 'revoked',
    });
    expect(event.meta.actor).toMatchObject({ username: 'ws-op' });
    watch.client.close();
    // The owner's own socket still answers.
    await own.client.request({ type: 'ping' }, 'pong');
    expect(own.client.closed).toBeUndefined();
    own.client.close();

    // The revoked token cannot say hello again.
    const retry = await TestClient.open(f.s.wsUrl);
    retry.send({ type: 'hello', id: 'h1', protocol: 1, token: token.secret });
    expect((await retry.waitClosed()).code).toBeGreaterThanOrEqual(4400);
  });

  it('authenticates a legacy `?token=` socket with a token; revoking it closes that socket', async () => {
    const token = await createToken(f.admin.accessToken, { name: 'legacy dashboard' });
    const ws = new WebSocket(`${f.s.wsUrl}?token=${token.secret}`);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as { type?: string };
        if (frame.type === 'connection_established') resolve();
      });
      ws.on('error', reject);
      void closed.then((code) => reject(new Error(`legacy socket closed early with ${code}`)));
    });
    const revoked = await f.s.api(`/api/tokens/${token.token.id}`, {
      method: 'DELETE',
      token: f.admin.accessToken,
    });
    expect(revoked.status).toBe(204);
    expect(await closed).toBe(LEGACY_CLOSE.AUTH_FAILED.code);
  });

  it('refuses the legacy admin actions that change something to a read-only token', async () => {
    const token = await createToken(f.admin.accessToken, { name: 'ro legacy', readOnly: true });
    const ws = new WebSocket(`${f.s.wsUrl}?token=${token.secret}`);
    const frames: { type?: string; data?: { code?: string } }[] = [];
    const waiters = new Set<() => void>();
    ws.on('message', (data: Buffer) => {
      frames.push(JSON.parse(data.toString()) as { type?: string });
      for (const w of waiters) w();
    });
    const next = (type: string): Promise<{ type?: string; data?: { code?: string } }> =>
      new Promise((resolve) => {
        const check = () => {
          const i = frames.findIndex((f) => f.type === type);
          if (i < 0) return;
          waiters.delete(check);
          resolve(frames.splice(i, 1)[0] ?? {});
        };
        waiters.add(check);
        check();
      });
    await next('connection_established');
    ws.send(JSON.stringify({ type: 'broadcast_admin_message', data: { message: 'hi' } }));
    expect((await next('error')).data).toMatchObject({ code: 'READ_ONLY_TOKEN' });
    ws.send(JSON.stringify({ type: 'get_connection_stats' }));
    await next('connection_stats');
    ws.close();
  });

  it('audits the WebSocket use of a token', async () => {
    const token = await createToken(f.admin.accessToken, { name: 'ws header' });
    const { client, welcome } = await TestClient.connect(f.s.wsUrl, {
      token: token.secret,
      instanceId: 'header-client',
    });
    expect(welcome.user).toMatchObject({ username: 'admin', role: 'admin' });
    client.close();
    await f.s.app.apiTokenVerifier.settled();
    const rows = await f.s.app.auditLog.list({
      action: 'api_token_use',
      target: `api_token:${token.token.id}`,
    });
    expect(rows[0]?.details).toMatchObject({ via: 'ws' });
  });
});
