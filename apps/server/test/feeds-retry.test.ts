import { rm } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, removeDir, waitForValue } from '@hdns/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig, freeBindPorts } from './bind-helpers.js';
import { startListServer, type ListServer } from './feed-list-server.js';
import { startTestServer, type TestServer } from './helpers.js';

/**
 * The feed scheduler against the real server and a real named, its clock shortened by settings
 * (first retry 1 s, a check every second): a feed whose list server fails is retried with a
 * doubling, jittered backoff well before its interval, shows when in its REST state, and serves
 * the list once the server recovers; a feed whose compiled list is missing here (as on an
 * instance that took the BIND lease over) is downloaded again at once and served.
 */

interface FeedState {
  id: string;
  zone: string;
  lastFetchAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  domainCount: number;
  failures: number;
  nextRefreshAt: string | null;
  refreshMinutes: number;
}

let lists: ListServer;
let server: TestServer;
let dataDir: string;
let token: string;
let env: Record<string, string>;
let dnsPort: number;

const feedState = async (id: string): Promise<FeedState> => {
  const res = await server.api('/api/feeds', { token });
  const feed = (res.body as { feeds: FeedState[] }).feeds.find((f) => f.id === id);
  if (!feed) throw new Error(`feed ${id} not listed`);
  return feed;
};
const waitState = (id: string, what: string, ok: (f: FeedState) => boolean) =>
  waitForValue(() => feedState(id), ok, what, 30_000);
/** How long after its last fetch the feed is refreshed next, in ms. */
const gap = (f: FeedState) => Date.parse(f.nextRefreshAt ?? '') - Date.parse(f.lastFetchAt ?? '');

/** After n failures in a row: 1 s doubling per failure, within the upper half of its step. */
function expectBackoff(f: FeedState): void {
  const step = Math.min(f.refreshMinutes * 60_000, 1000 * 2 ** (f.failures - 1));
  expect(gap(f)).toBeGreaterThanOrEqual(step / 2);
  expect(gap(f)).toBeLessThanOrEqual(step);
}

beforeAll(async () => {
  lists = await startListServer();
  dataDir = await makeTempDir('hdns-feeds-retry-');
  const ports = await freeBindPorts();
  dnsPort = ports.dns;
  env = {
    HDNS_BIND_MODE: 'managed',
    HDNS_BIND_DNS_PORT: String(ports.dns),
    HDNS_BIND_RNDC_PORT: String(ports.rndc),
    HDNS_BIND_STATS_PORT: String(ports.stats),
    HDNS_FEEDS_ALLOW_PRIVATE: 'true',
    HDNS_FEEDS_RETRY: '1s',
    HDNS_FEEDS_CHECK_INTERVAL: '1s',
  };
  server = await startTestServer({ env, dataDir });
  token = (await server.login()).accessToken;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await lists?.close();
  if (dataDir) await removeDir(dataDir);
});

describe('the feed scheduler', () => {
  it('retries a failing feed with a doubling backoff and serves it once its server recovers', async () => {
    lists.set('/flaky.txt', { body: '', status: 503 });
    const created = await server.api('/api/feeds', {
      method: 'POST',
      token,
      body: { name: 'flaky', url: lists.url('/flaky.txt'), refreshMinutes: 60 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = (created.body as { id: string }).id;

    // The first download (on creation) failed: retried within seconds, not in an hour.
    const first = await waitState(id, 'first failure', (f) => f.failures >= 1);
    expect(first.lastError).toContain('HTTP 503');
    expectBackoff(first);
    // The scheduler retried on its own, and waits longer after each failure.
    const second = await waitState(id, 'second failure', (f) => f.failures >= 2);
    expectBackoff(second);
    expect(second).toMatchObject({ lastSuccessAt: null, domainCount: 0 });

    lists.set('/flaky.txt', { body: 'flaky.retry.test\n' });
    const good = await waitState(id, 'a good refresh', (f) => f.lastSuccessAt !== null);
    expect(good).toMatchObject({ failures: 0, lastError: null, domainCount: 1 });
    // Back to the feed's interval.
    expect(gap(good)).toBe(60 * 60_000);
    expect((await dig(dnsPort, 'flaky.retry.test')).status).toBe('NXDOMAIN');
    const asked = lists.requests.filter((r) => r.path === '/flaky.txt');
    expect(asked.filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(2);
    expect(asked.at(-1)?.status).toBe(200);
  }, 60_000);

  it('downloads at once a served feed whose compiled list this instance does not have', async () => {
    lists.set('/kept.txt', { body: 'kept.retry.test\n' });
    const created = await server.api('/api/feeds', {
      method: 'POST',
      token,
      body: { name: 'kept', url: lists.url('/kept.txt'), refreshMinutes: 1440 },
    });
    expect(created.status).toBe(201);
    const { id, zone } = created.body as { id: string; zone: string };
    await waitState(id, 'first refresh', (f) => f.domainCount === 1);
    await server.close();
    // As on an instance taking the BIND lease over: the database says the list is served, this
    // data dir has no compiled file of it. named starts without that zone.
    await rm(path.join(dataDir, 'feeds', `db.${zone}`));
    const before = lists.requests.filter((r) => r.path === '/kept.txt').length;
    server = await startTestServer({ env, dataDir });
    token = (await server.login()).accessToken;
    await waitForValue(
      () =>
        dig(dnsPort, 'kept.retry.test').then(
          (r) => r.status,
          () => 'no answer',
        ),
      (status) => status === 'NXDOMAIN',
      'the feed served again',
      30_000,
    );
    const asked = lists.requests.filter((r) => r.path === '/kept.txt').slice(before);
    // One full download (no validators: there was no file to keep), not a day later.
    expect(asked).toEqual([
      { path: '/kept.txt', status: 200, ifNoneMatch: null, ifModifiedSince: null },
    ]);
  }, 60_000);
});
