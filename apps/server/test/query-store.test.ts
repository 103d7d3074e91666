import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiRequest,
  freePort,
  makeTempDir,
  removeDir,
  startServerProcess,
  type ServerProcess,
} from '@hdns/testkit';
import { queryPageSchema, queryStoreStatusSchema, clientSummarySchema } from '@hdns/protocol/rest';
import { queryFacts } from '../src/querystore/query-store.contract.js';
import { SqliteQueryStore } from '../src/querystore/sqlite-query-store.js';
import { QUERY_STORE_FILE } from '../src/querystore/querystore-plugin.js';

/**
 * The query store over HTTP on a real server process: a store file seeded before the start (the
 * pipeline that fills it is tested with dnstap), searched by each role, paged, and turned off.
 */
const PASSWORD = 'query-store-admin-password';
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

async function tokenOf(url: string, username: string, password: string): Promise<string> {
  const res = await apiRequest(`${url}/api/auth/login`, { body: { username, password } });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  return (res.body as { accessToken: string }).accessToken;
}

describe('query store over HTTP', () => {
  let proc: ServerProcess;
  const tokens: Record<'admin' | 'operator' | 'viewer', string> = {
    admin: '',
    operator: '',
    viewer: '',
  };
  const base = Date.now() - 60_000;

  beforeAll(async () => {
    const dataDir = await makeTempDir('hdns-qstore-');
    cleanup.push(() => removeDir(dataDir));
    const seed = new SqliteQueryStore({
      file: path.join(dataDir, QUERY_STORE_FILE),
      retentionDays: 7,
      maxBytes: 1024 ** 3,
    });
    await seed.insert(
      Array.from({ length: 250 }, (_, i) =>
        queryFacts({
          tsMs: base + i,
          qname: i % 5 === 0 ? `h${i}.ads.example` : `w${i}.example.org`,
          clientIp: i % 2 ? '10.0.0.7' : '2001:db8::7',
          rcode: i % 10 === 0 ? 'NXDOMAIN' : 'NOERROR',
          blocked: i % 5 === 0,
        }),
      ),
    );
    await seed.close();
    proc = await startServerProcess(
      { HDNS_DATA_DIR: dataDir, HDNS_ADMIN_PASSWORD: PASSWORD, HDNS_MONITORS: 'false' },
      await freePort(),
    );
    cleanup.push(() => proc.stop());
    tokens.admin = await tokenOf(proc.url, 'admin', PASSWORD);
    for (const role of ['operator', 'viewer'] as const) {
      const created = await apiRequest(`${proc.url}/api/users`, {
        token: tokens.admin,
        body: { username: role, password: `${role}-password-1`, role },
      });
      expect(created.status).toBe(201);
      tokens[role] = await tokenOf(proc.url, role, `${role}-password-1`);
    }
  });

  const get = (pathname: string, role: keyof typeof tokens) =>
    apiRequest(`${proc.url}${pathname}`, { token: tokens[role] });

  it('gives viewers 403 and operators and admins the history', async () => {
    for (const p of ['/api/queries', '/api/queries/store', '/api/queries/clients/10.0.0.7']) {
      const viewer = await get(p, 'viewer');
      expect(viewer.status).toBe(403);
      expect(viewer.body).toMatchObject({ code: 'FORBIDDEN' });
      expect((await get(p, 'operator')).status).toBe(200);
      expect((await get(p, 'admin')).status).toBe(200);
    }
    expect((await apiRequest(`${proc.url}/api/queries`)).status).toBe(401);
  });

  it('searches with filters and pages with the cursor', async () => {
    const first = await get('/api/queries?name=ads.example&client=10.0.0.0/8&limit=10', 'operator');
    expect(first.status).toBe(200);
    const page = queryPageSchema.parse(first.body);
    expect(page.items).toHaveLength(10);
    expect(
      page.items.every((r) => r.qname.endsWith('.ads.example') && r.clientIp === '10.0.0.7'),
    ).toBe(true);
    const all = [...page.items];
    let cursor = page.nextCursor;
    while (cursor) {
      const next = queryPageSchema.parse(
        (
          await get(
            `/api/queries?name=ads.example&client=10.0.0.0/8&limit=10&cursor=${cursor}`,
            'operator',
          )
        ).body,
      );
      all.push(...next.items);
      cursor = next.nextCursor;
    }
    // i % 5 === 0 and odd: 25 of 250.
    expect(new Set(all.map((r) => r.id)).size).toBe(25);
    const nx = queryPageSchema.parse(
      (await get('/api/queries?rcode=nxdomain&limit=500', 'operator')).body,
    );
    expect(nx.items).toHaveLength(25);
  });

  it('refuses a bad cursor with 400 BAD_CURSOR and a bad filter with 400 VALIDATION_ERROR', async () => {
    const bad = await get('/api/queries?cursor=not-a-cursor', 'operator');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'BAD_CURSOR' });
    const badClient = await get('/api/queries?client=10.0.0.0/99', 'operator');
    expect(badClient.status).toBe(400);
    expect(badClient.body).toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('reports the store and summarizes a client', async () => {
    const status = queryStoreStatusSchema.parse((await get('/api/queries/store', 'admin')).body);
    expect(status).toMatchObject({
      backend: 'sqlite',
      rows: 250,
      retentionDays: 7,
      maxBytes: 2048 * 1024 * 1024,
      sampleEvery: 1,
      source: 'none',
      oldest: new Date(base).toISOString(),
      newest: new Date(base + 249).toISOString(),
    });
    const summary = clientSummarySchema.parse(
      (await get('/api/queries/clients/10.0.0.7', 'operator')).body,
    );
    expect(summary).toMatchObject({ ip: '10.0.0.7', total: 125, blocked: 25 });
  });
});

describe('query store off', () => {
  it('answers 503 QUERY_STORE_OFF', async () => {
    const dataDir = await makeTempDir('hdns-qstore-off-');
    cleanup.push(() => removeDir(dataDir));
    const proc = await startServerProcess(
      {
        HDNS_DATA_DIR: dataDir,
        HDNS_ADMIN_PASSWORD: PASSWORD,
        HDNS_MONITORS: 'false',
        HDNS_QUERY_STORE: 'off',
      },
      await freePort(),
    );
    cleanup.push(() => proc.stop());
    const token = await tokenOf(proc.url, 'admin', PASSWORD);
    for (const p of ['/api/queries', '/api/queries/store', '/api/queries/clients/10.0.0.7']) {
      const res = await apiRequest(`${proc.url}${p}`, { token });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'QUERY_STORE_OFF' });
    }
  });
});
