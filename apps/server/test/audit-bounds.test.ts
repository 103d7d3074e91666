import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '@hdns/testkit';
import { AuditLog } from '../src/audit/audit-log.js';
import { runMigrations } from '../src/storage/db.js';
import { openTestDatabaseFor } from './storage-backends.js';
import { startTestServer, type TestServer } from './helpers.js';

/**
 * Issue 11, item 9: what an unauthenticated client can make the server store. 2,000 failed
 * logins and 600 failed WebSocket authentications from a few addresses against a real server;
 * the audit log keeps a bounded number of rows that still account for the attempts.
 */

const ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

function send(
  s: TestServer,
  opts: {
    localAddress: string;
    path: string;
    method: string;
    headers?: http.OutgoingHttpHeaders;
    body?: string;
  },
): Promise<number> {
  const url = new URL(s.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        localAddress: opts.localAddress,
        path: opts.path,
        method: opts.method,
        headers: opts.headers,
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    // A refused upgrade answers a plain HTTP status; ws would never get to 'response'.
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 101);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function rowsOf(s: TestServer, action: string) {
  const rows = await s.app.db
    .selectFrom('audit_log')
    .select(['ip', 'actor_username', 'details', 'ts'])
    .where('action', '=', action)
    .execute();
  return rows.map((r) => ({
    ...r,
    count: (JSON.parse(r.details ?? '{}') as { count: number }).count,
  }));
}

/** Windows of the aggregation (60 s) the run touched: the bound grows per window, not per try. */
function windowsSpanned(startedAt: number): number {
  return Math.floor((Date.now() - startedAt) / 60_000) + 2;
}

const USERNAMES = ['admin', 'root', 'operator', ...Array.from({ length: 40 }, (_, i) => `u${i}`)];

/** `n` wrong-password logins, 8 at a time, cycling addresses and usernames; status → count. */
async function failLogins(s: TestServer, n: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const status = await send(s, {
        localAddress: ADDRESSES[i % ADDRESSES.length] ?? '127.0.0.1',
        path: '/api/auth/login',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: USERNAMES[i % USERNAMES.length], password: `guess-${i}` }),
      });
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return statuses;
}

describe('bounded audit growth under abuse', () => {
  it('2,000 failed logins from 3 addresses leave a bounded number of rows that count every 401', async () => {
    const s = await startTestServer();
    cleanup.push(() => s.close());
    const startedAt = Date.now();
    const statuses = await failLogins(s, 2000);
    // Every attempt failed: 401, or 429 from the login limits.
    expect([...statuses.keys()].every((c) => c === 401 || c === 429)).toBe(true);

    const rows = await rowsOf(s, 'login_failure');
    const windows = windowsSpanned(startedAt);
    // Per window at most maxKeysPerAddress (20) rows per address plus its '*' row.
    expect(rows.length).toBeLessThanOrEqual(ADDRESSES.length * 21 * windows);
    expect(rows.length).toBeLessThan(2000 / 10);
    const counted = rows.reduce((a, r) => a + r.count, 0);
    // Each audited failure is counted once; every 401 was audited (429s may stop earlier).
    expect(counted).toBeGreaterThanOrEqual(statuses.get(401) ?? 0);
    expect(counted).toBeLessThanOrEqual(2000);
    expect(new Set(rows.map((r) => r.ip))).toEqual(new Set(ADDRESSES));
    console.log(
      `2,000 failed logins: statuses ${JSON.stringify(Object.fromEntries(statuses))}, ` +
        `${rows.length} audit rows counting ${counted} failures`,
    );

    // The real admin still gets in from another address (the audit bound locks no one out).
    const ok = await send(s, {
      localAddress: '127.0.0.9',
      path: '/api/auth/login',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: s.adminPassword }),
    });
    expect(ok).toBe(200);
  }, 300_000);

  it('with the login limits out of the way every attempt is a 401, and the rows stay bounded', async () => {
    const s = await startTestServer({
      env: {
        HDNS_LOGIN_MAX_FAILURES_PER_IP: '100000',
        HDNS_LOGIN_MAX_FAILURES_PER_IP_USER: '10000',
        HDNS_LOGIN_SLOWDOWN_MAX: '0',
      },
    });
    cleanup.push(() => s.close());
    const startedAt = Date.now();
    const statuses = await failLogins(s, 200);
    expect(Object.fromEntries(statuses)).toEqual({ 401: 200 });
    const rows = await rowsOf(s, 'login_failure');
    expect(rows.reduce((a, r) => a + r.count, 0)).toBe(200);
    // 3 addresses × 43 usernames, but at most 20 rows of its own per address and window.
    expect(rows.length).toBeLessThanOrEqual(ADDRESSES.length * 21 * windowsSpanned(startedAt));
    expect(rows.filter((r) => r.actor_username === '*').length).toBeGreaterThan(0);
  }, 300_000);

  it('600 refused WebSocket authentications leave a bounded number of ws_auth_failure rows', async () => {
    const s = await startTestServer();
    cleanup.push(() => s.close());
    const startedAt = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 600; i++) {
      statuses.push(
        await send(s, {
          localAddress: ADDRESSES[i % ADDRESSES.length] ?? '127.0.0.1',
          path: '/ws',
          method: 'GET',
          headers: {
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': Buffer.from(`key-${i}-padding`).toString('base64'),
            authorization: `Bearer not-a-token-${i}`,
          },
        }),
      );
    }
    expect(statuses.filter((c) => c === 401).length).toBe(600);
    // The audit write follows the refusal; wait until all 600 are counted.
    let rows = await rowsOf(s, 'ws_auth_failure');
    for (let i = 0; i < 100 && rows.reduce((a, r) => a + r.count, 0) < 600; i++) {
      await new Promise((r) => setTimeout(r, 50));
      rows = await rowsOf(s, 'ws_auth_failure');
    }
    expect(rows.reduce((a, r) => a + r.count, 0)).toBe(600);
    expect(rows.length).toBeLessThanOrEqual(ADDRESSES.length * 21 * windowsSpanned(startedAt));
    expect(rows.length).toBeLessThan(60);
    console.log(`600 refused WebSocket authentications: ${rows.length} audit rows`);
  }, 120_000);
});

describe('replays of a revoked refresh token', () => {
  it('300 replays leave one detection row, one folded row and one session_expired event', async () => {
    const s = await startTestServer();
    cleanup.push(() => s.close());
    const first = await s.login();
    const rotated = await s.api('/api/auth/refresh', {
      method: 'POST',
      cookie: first.refreshCookie,
    });
    expect(rotated.status).toBe(200);
    const expiredBefore = await s.app.eventLog.query({ types: ['session_expired'], limit: 1000 });
    for (let i = 0; i < 300; i++) {
      const reuse = await s.api('/api/auth/refresh', {
        method: 'POST',
        cookie: first.refreshCookie,
      });
      expect(reuse.body).toMatchObject({ code: 'REFRESH_REUSED' });
    }
    const rows = await rowsOf(s, 'refresh_reuse');
    // The detection (it revoked the family) stays a row of its own; the replays fold.
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.count ?? 1).sort((a, b) => a - b)).toEqual([1, 299]);
    const expired = await s.app.eventLog.query({ types: ['session_expired'], limit: 1000 });
    expect(expired.length - expiredBefore.length).toBe(1);
  });
});

describe('audit retention on a real server', () => {
  it('a start prunes rows past HDNS_AUDIT_RETENTION and beyond HDNS_AUDIT_RETENTION_COUNT', async () => {
    const dataDir = await makeTempDir('hdns-audit-retention-');
    cleanup.push(() => removeDir(dataDir));
    // An existing install: 500 rows from a year ago and 1,500 from the last hour.
    const db = await openTestDatabaseFor(dataDir);
    await runMigrations(db);
    let t = Date.now() - 365 * 86_400_000;
    const old = new AuditLog(db, () => new Date((t += 1000)));
    for (let i = 0; i < 500; i++) await old.record({ action: 'ancient', details: { i } });
    t = Date.now() - 3_600_000;
    for (let i = 0; i < 1500; i++) await old.record({ action: 'recent', details: { i } });
    await db.destroy();

    const s = await startTestServer({
      dataDir,
      env: { HDNS_AUDIT_RETENTION: '30d', HDNS_AUDIT_RETENTION_COUNT: '1000' },
    });
    cleanup.push(() => s.close());
    const left = await s.app.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .orderBy('id', 'asc')
      .execute();
    expect(left.filter((r) => r.action === 'ancient')).toEqual([]);
    // The prune ran at start, before the first admin's bootstrap wrote its own rows.
    expect(left.filter((r) => r.action === 'recent')).toHaveLength(1000);
    // The newest rows stayed: the last recent one is there, the first 500 recent ones are not.
    const recent = left
      .filter((r) => r.action === 'recent')
      .map((r) => JSON.parse(r.details ?? '{}') as { i: number });
    expect(recent.at(-1)?.i).toBe(1499);
    expect(recent[0]?.i).toBe(500);
  });
});
