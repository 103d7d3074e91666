/**
 * Issue 16 part 4, people manage themselves: a user changes their own password (every other
 * session ends, this one keeps working), lists and ends their login sessions, and keeps
 * notification preferences on the server. Real app on a real port, real WebSockets; runs on
 * SQLite and (project `postgres`) PostgreSQL.
 */
import { CATEGORIES, CloseCode } from '@hdns/protocol';
import { DEFAULT_NOTIFICATION_PREFERENCES, type AccountSession } from '@hdns/protocol/rest';
import { TestClient } from '@hdns/testkit';
import { describe, expect, it } from 'vitest';
import { refreshCookieFrom, type LoginResult } from './helpers.js';
import { serverForFile } from './server-per-file.js';

const f = serverForFile({
  // Low enough to reach in a test, per address and per (address, username).
  // Several sessions of one user hold a socket each (the default of one supersedes the older).
  env: { HDNS_LOGIN_MAX_FAILURES_PER_IP_USER: '3', HDNS_WS_MAX_PER_USER: '4' },
});

const PASSWORD = 'first-password-1';

async function createUser(username: string, role = 'operator'): Promise<{ id: string }> {
  const res = await f.s.api('/api/users', {
    token: f.admin.accessToken,
    body: { username, password: PASSWORD, role, zones: null },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

function login(username: string, password = PASSWORD): Promise<LoginResult> {
  return f.s.login(username, password);
}

async function sessionsOf(token: string): Promise<AccountSession[]> {
  const res = await f.s.api('/api/account/sessions', { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as { sessions: AccountSession[] }).sessions;
}

/** An admin's socket following session_expired (admin-only events). */
async function sessionWatcher(): Promise<TestClient> {
  return (
    await TestClient.connect(f.s.wsUrl, {
      token: f.admin.accessToken,
      subscribe: ['session_expired'],
    })
  ).client;
}

/** The data of the first `n` session_expired events that name a session. */
async function endedSessions(watch: TestClient, n: number): Promise<Record<string, unknown>[]> {
  const ended = () =>
    watch.events
      .filter((e) => e.event === 'session_expired')
      .map((e) => e.data as Record<string, unknown>)
      .filter((d) => d.sessionId !== undefined);
  await watch.waitFor(() => (ended().length >= n ? true : undefined));
  return ended();
}

async function refresh(cookie: string) {
  return f.s.api('/api/auth/refresh', { method: 'POST', cookie });
}

describe('change your own password', () => {
  it('ends every other session and keeps this one working', async () => {
    await createUser('pw-ann');
    const here = await login('pw-ann');
    const other = await login('pw-ann');
    const otherSocket = (await TestClient.connect(f.s.wsUrl, { token: other.accessToken })).client;
    const hereSocket = (await TestClient.connect(f.s.wsUrl, { token: here.accessToken })).client;

    const res = await f.s.api('/api/account/password', {
      token: here.accessToken,
      body: { currentPassword: PASSWORD, newPassword: 'second-password-2' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const fresh = (res.body as { accessToken: string; user: { username: string } }).accessToken;
    expect(res.body).toMatchObject({ tokenType: 'Bearer', user: { username: 'pw-ann' } });
    // This session had a live refresh family: it is kept, so no new cookie is needed.
    expect(refreshCookieFrom(res.headers)).toBeNull();

    // The other session: its access token, its refresh token and its socket are all gone.
    expect((await f.s.api('/api/zones', { token: other.accessToken })).status).toBe(401);
    expect((await refresh(other.refreshCookie)).status).toBe(401);
    expect((await otherSocket.waitClosed()).code).toBe(CloseCode.CREDENTIALS_REVOKED);
    // This session's old access token is void too (token version), but its socket is told to
    // reconnect, and the new access token and the refresh cookie work.
    expect((await f.s.api('/api/zones', { token: here.accessToken })).status).toBe(401);
    expect((await hereSocket.waitClosed()).code).toBe(CloseCode.PERMISSIONS_CHANGED);
    expect((await f.s.api('/api/zones', { token: fresh })).status).toBe(200);
    const again = await TestClient.connect(f.s.wsUrl, { token: fresh });
    expect(again.welcome.user).toMatchObject({ username: 'pw-ann' });
    again.client.close();
    const refreshed = await refresh(here.refreshCookie);
    expect(refreshed.status).toBe(200);
    const sessions = await sessionsOf((refreshed.body as { accessToken: string }).accessToken);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.current).toBe(true);

    // The new password logs in; the old one does not.
    await expect(login('pw-ann', 'second-password-2')).resolves.toMatchObject({
      user: { username: 'pw-ann' },
    });
    const old = await f.s.api('/api/auth/login', {
      body: { username: 'pw-ann', password: PASSWORD },
    });
    expect(old.status).toBe(401);
    const audit = await f.s.app.auditLog.list({ action: 'user_update' });
    expect(
      audit.some(
        (e) =>
          e.actorUsername === 'pw-ann' &&
          (e.details as { passwordChanged?: boolean }).passwordChanged === true,
      ),
    ).toBe(true);
  });

  it('starts a new session, with its cookie, for a token that names no session', async () => {
    const user = await createUser('pw-abe');
    const here = await login('pw-abe');
    const stored = await f.s.app.users.findStored(user.id);
    // A token signed before tokens carried their session (`sid`).
    const legacy = await f.s.app.accessTokens.sign({
      id: user.id,
      username: 'pw-abe',
      role: 'operator',
      zones: null,
      tokenVersion: stored?.tokenVersion ?? -1,
    });
    const res = await f.s.api('/api/account/password', {
      token: legacy.token,
      body: { currentPassword: PASSWORD, newPassword: 'second-password-2' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const cookie = refreshCookieFrom(res.headers);
    expect(cookie).not.toBeNull();
    // Every earlier session ended; the new one refreshes and is the only one listed.
    expect((await refresh(here.refreshCookie)).status).toBe(401);
    const refreshed = await refresh(cookie ?? '');
    expect(refreshed.status).toBe(200);
    const token = (refreshed.body as { accessToken: string }).accessToken;
    expect((await sessionsOf(token)).map((s) => s.current)).toEqual([true]);
  });

  it('refuses a wrong current password with CURRENT_PASSWORD_WRONG and changes nothing', async () => {
    await createUser('pw-bob');
    const s = await login('pw-bob');
    const res = await f.s.api('/api/account/password', {
      token: s.accessToken,
      body: { currentPassword: 'not-the-password', newPassword: 'second-password-2' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'CURRENT_PASSWORD_WRONG' });
    // Nothing changed: the token and the session still work, the old password still logs in.
    expect((await f.s.api('/api/zones', { token: s.accessToken })).status).toBe(200);
    expect((await refresh(s.refreshCookie)).status).toBe(200);
    await expect(login('pw-bob')).resolves.toMatchObject({ user: { username: 'pw-bob' } });
    expect(await f.s.app.auditLog.list({ action: 'password_change_failure' })).toContainEqual(
      expect.objectContaining({ actorUsername: 'pw-bob', success: false }),
    );
  });

  it('applies the password policy to the new password', async () => {
    await createUser('pw-cyd');
    const s = await login('pw-cyd');
    const res = await f.s.api('/api/account/password', {
      token: s.accessToken,
      body: { currentPassword: PASSWORD, newPassword: 'short' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { issues: [{ path: '/newPassword' }] },
    });
  });

  it('counts wrong current passwords like failed logins: past the limit, 429 with Retry-After', async () => {
    await createUser('pw-dan');
    const s = await login('pw-dan');
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await f.s.api('/api/account/password', {
        token: s.accessToken,
        body: { currentPassword: `wrong-${i}-password`, newPassword: 'second-password-2' },
      });
      codes.push(res.status);
      if (res.status === 429) {
        expect(res.body).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    }
    expect(codes.slice(0, 3)).toEqual([400, 400, 400]);
    expect(codes[3]).toBe(429);
    // Even the right password waits now: the limit is per (address, username).
    const right = await f.s.api('/api/account/password', {
      token: s.accessToken,
      body: { currentPassword: PASSWORD, newPassword: 'second-password-2' },
    });
    expect(right.status).toBe(429);
  });

  it('needs a signed-in user', async () => {
    const res = await f.s.api('/api/account/password', {
      body: { currentPassword: PASSWORD, newPassword: 'second-password-2' },
    });
    expect(res.status).toBe(401);
  });
});

describe('your sessions', () => {
  it('lists them with the current one marked, and ends one: its refresh, token and socket die', async () => {
    await createUser('ses-eve', 'viewer');
    const a = await login('ses-eve');
    const b = await login('ses-eve');
    const listed = await sessionsOf(a.accessToken);
    expect(listed).toHaveLength(2);
    const mine = listed.find((s) => s.current);
    const theirs = listed.find((s) => !s.current);
    expect(mine && theirs).toBeTruthy();
    expect(theirs).toMatchObject({ ip: '127.0.0.1' });
    expect(Date.parse(theirs?.createdAt ?? '')).toBeLessThanOrEqual(
      Date.parse(theirs?.lastUsedAt ?? ''),
    );
    // B sees the same two, with the other one marked current.
    const fromB = await sessionsOf(b.accessToken);
    expect(fromB.find((s) => s.current)?.id).toBe(theirs?.id);

    // A refresh keeps the session (same id) and moves its last use.
    const bRefreshed = await refresh(b.refreshCookie);
    expect(bRefreshed.status).toBe(200);
    const bToken = (bRefreshed.body as { accessToken: string }).accessToken;
    const bCookie = refreshCookieFrom(bRefreshed.headers) ?? '';
    expect((await sessionsOf(a.accessToken)).map((s) => s.id).sort()).toEqual(
      listed.map((s) => s.id).sort(),
    );
    const bSocket = (await TestClient.connect(f.s.wsUrl, { token: bToken })).client;
    const aSocket = (await TestClient.connect(f.s.wsUrl, { token: a.accessToken })).client;
    const watch = await sessionWatcher();

    const ended = await f.s.api(`/api/account/sessions/${theirs?.id}`, {
      method: 'DELETE',
      token: a.accessToken,
    });
    expect(ended.status).toBe(204);
    expect((await bSocket.waitClosed()).code).toBe(CloseCode.CREDENTIALS_REVOKED);
    // The ending is an event an admin's dashboard sees (committed with it, through the outbox).
    expect(await endedSessions(watch, 1)).toEqual([
      { userId: expect.any(String), username: 'ses-eve', sessionId: theirs?.id, reason: 'revoked' },
    ]);
    watch.close();
    expect((await refresh(bCookie)).status).toBe(401);
    const refused = await f.s.api('/api/zones', { token: bToken });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'AUTH_FAILED' });
    // A's session and socket are untouched.
    expect((await aSocket.request({ type: 'ping' }, 'pong')).type).toBe('pong');
    expect((await sessionsOf(a.accessToken)).map((s) => s.id)).toEqual([mine?.id]);
    // Ending it again, or a session that is not there, is 404.
    const again = await f.s.api(`/api/account/sessions/${theirs?.id}`, {
      method: 'DELETE',
      token: a.accessToken,
    });
    expect(again.status).toBe(404);
    aSocket.close();
  });

  it("cannot see or end another user's session", async () => {
    await createUser('ses-fay', 'viewer');
    await createUser('ses-gus', 'viewer');
    const fay = await login('ses-fay');
    const gus = await login('ses-gus');
    const gusSession = (await sessionsOf(gus.accessToken))[0];
    expect((await sessionsOf(fay.accessToken)).map((s) => s.id)).not.toContain(gusSession?.id);
    const res = await f.s.api(`/api/account/sessions/${gusSession?.id}`, {
      method: 'DELETE',
      token: fay.accessToken,
    });
    expect(res.status).toBe(404);
    expect((await refresh(gus.refreshCookie)).status).toBe(200);
  });

  it('ends all other sessions at once and keeps this one', async () => {
    await createUser('ses-hal', 'viewer');
    const here = await login('ses-hal');
    const others = [await login('ses-hal'), await login('ses-hal')];
    const otherIds = (await sessionsOf(here.accessToken))
      .filter((s) => !s.current)
      .map((s) => s.id);
    const watch = await sessionWatcher();
    const res = await f.s.api('/api/account/sessions/end-others', {
      method: 'POST',
      token: here.accessToken,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ended: 2 });
    const events = await endedSessions(watch, 2);
    expect(events.map((e) => e.sessionId).sort()).toEqual([...otherIds].sort());
    expect(events.every((e) => e.username === 'ses-hal' && e.reason === 'revoked')).toBe(true);
    watch.close();
    for (const o of others) {
      expect((await refresh(o.refreshCookie)).status).toBe(401);
      expect((await f.s.api('/api/zones', { token: o.accessToken })).status).toBe(401);
    }
    const left = await sessionsOf(here.accessToken);
    expect(left).toHaveLength(1);
    expect(left[0]?.current).toBe(true);
    expect((await refresh(here.refreshCookie)).status).toBe(200);
  });

  it('a logout ends the session for its access token too', async () => {
    await createUser('ses-ida', 'viewer');
    const s = await login('ses-ida');
    expect((await f.s.api('/api/zones', { token: s.accessToken })).status).toBe(200);
    const out = await f.s.api('/api/auth/logout', { method: 'POST', cookie: s.refreshCookie });
    expect(out.status).toBe(204);
    expect((await f.s.api('/api/zones', { token: s.accessToken })).status).toBe(401);
  });
});

describe('API tokens', () => {
  it('cannot reach the account routes: they belong to a password login', async () => {
    await createUser('tok-max');
    const s = await login('tok-max');
    const created = await f.s.api('/api/tokens', {
      token: s.accessToken,
      body: { name: 'script', readOnly: false },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const secret = (created.body as { secret: string }).secret;
    const tries = [
      f.s.api('/api/account/sessions', { token: secret }),
      f.s.api('/api/account/preferences', { token: secret }),
      f.s.api('/api/account/sessions/end-others', { method: 'POST', token: secret }),
      f.s.api('/api/account/password', {
        token: secret,
        body: { currentPassword: PASSWORD, newPassword: 'second-password-2' },
      }),
    ];
    for (const res of await Promise.all(tries)) {
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect((await refresh(s.refreshCookie)).status).toBe(200);
  });
});

describe('notification preferences', () => {
  it('default to toasts for every category, round-trip, and stay per user', async () => {
    await createUser('pref-jo', 'viewer');
    await createUser('pref-kim', 'viewer');
    const jo = await login('pref-jo');
    const kim = await login('pref-kim');
    const initial = await f.s.api('/api/account/preferences', { token: jo.accessToken });
    expect(initial.status).toBe(200);
    expect(initial.body).toEqual({ notifications: DEFAULT_NOTIFICATION_PREFERENCES });
    expect(Object.keys(DEFAULT_NOTIFICATION_PREFERENCES).sort()).toEqual([...CATEGORIES].sort());

    const wanted = { ...DEFAULT_NOTIFICATION_PREFERENCES, dns: 'quiet', query: 'unread' };
    const put = await f.s.api('/api/account/preferences', {
      method: 'PUT',
      token: jo.accessToken,
      body: { notifications: wanted },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toEqual({ notifications: wanted });
    expect((await f.s.api('/api/account/preferences', { token: jo.accessToken })).body).toEqual({
      notifications: wanted,
    });
    // Changing them again replaces them.
    const next = { ...wanted, dns: 'toast', security: 'unread' };
    await f.s.api('/api/account/preferences', {
      method: 'PUT',
      token: jo.accessToken,
      body: { notifications: next },
    });
    expect((await f.s.api('/api/account/preferences', { token: jo.accessToken })).body).toEqual({
      notifications: next,
    });
    // Another user's are their own.
    expect((await f.s.api('/api/account/preferences', { token: kim.accessToken })).body).toEqual({
      notifications: DEFAULT_NOTIFICATION_PREFERENCES,
    });
  });

  it('refuses an unknown mode, an unknown category and a missing category', async () => {
    await createUser('pref-lu', 'viewer');
    const s = await login('pref-lu');
    const bodies = [
      { notifications: { ...DEFAULT_NOTIFICATION_PREFERENCES, dns: 'loud' } },
      { notifications: { ...DEFAULT_NOTIFICATION_PREFERENCES, weather: 'toast' } },
      { notifications: { dns: 'toast' } },
      { notifications: DEFAULT_NOTIFICATION_PREFERENCES, extra: 1 },
    ];
    for (const body of bodies) {
      const res = await f.s.api('/api/account/preferences', {
        method: 'PUT',
        token: s.accessToken,
        body,
      });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_ERROR' });
    }
    expect((await f.s.api('/api/account/preferences', { token: s.accessToken })).body).toEqual({
      notifications: DEFAULT_NOTIFICATION_PREFERENCES,
    });
  });
});
