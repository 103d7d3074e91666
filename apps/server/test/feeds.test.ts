import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { waitForValue } from '@hdns/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig } from './bind-helpers.js';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';
import { startListServer, type ListServer } from './feed-list-server.js';

/**
 * Blocklist feeds against the real server and a real managed named: lists in each format served
 * by a local HTTP server, compiled into their own policy zones; conditional refresh; a failing
 * feed keeping its last good list; the allowlist; 64-zone limit.
 */

let h: DnsHarness;
let lists: ListServer;
const q = (name: string, type = 'A') => dig(h.dnsPort, name, type);

interface FeedBody {
  id: string;
  zone: string;
  version: number;
  lastSuccessAt: string | null;
  lastError: string | null;
  domainCount: number;
  skippedCount: number;
  etag: string | null;
}

async function addFeed(body: Record<string, unknown>): Promise<FeedBody> {
  const res = await h.api('/api/feeds', { method: 'POST', body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const feed = res.body as FeedBody;
  // The first download starts on creation; wait until it served the list.
  return waitForValue(
    async () => (await h.api('/api/feeds')).body as { feeds: FeedBody[] },
    (v) => v.feeds.some((f) => f.id === feed.id && (f.lastSuccessAt !== null || !!f.lastError)),
    `feed ${feed.id} first refresh`,
    30_000,
  ).then((v) => v.feeds.find((f) => f.id === feed.id) as FeedBody);
}

async function refresh(id: string): Promise<Record<string, unknown>> {
  const res = await h.api(`/api/feeds/${id}/refresh`, { method: 'POST' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Record<string, unknown>;
}

const HOSTS = [
  '# Title: test hosts list',
  '127.0.0.1 localhost',
  '0.0.0.0 ads.feeds.test tracker.feeds.test',
  '0.0.0.0 gone.feeds.test # inline comment',
  'garbage line',
  '',
].join('\n');
const ADBLOCK = ['! Title: test adblock', '||nodata.feeds.test^', '@@||x.feeds.test^', ''].join(
  '\n',
);
const DOMAINS = ['# plain', 'redir.feeds.test', ''].join('\n');
const RPZ = [
  '$TTL 300',
  '$ORIGIN upstream.rpz.',
  '@ SOA localhost. root.localhost. 1 3600 600 86400 60',
  '@ NS localhost.',
  'rpzlisted.feeds.test CNAME .',
  '*.rpzwild.feeds.test CNAME .',
  '',
].join('\n');

let hostsFeed: FeedBody;
let adblockFeed: FeedBody;
let rpzFeed: FeedBody;

beforeAll(async () => {
  lists = await startListServer();
  lists.set('/hosts.txt', { body: HOSTS });
  lists.set('/adblock.txt', {
    body: ADBLOCK,
    etag: false,
    lastModified: new Date(Date.now() - 60_000).toUTCString(),
  });
  lists.set('/domains.txt', { body: DOMAINS });
  lists.set('/feed.rpz', { body: RPZ });
  // Monitors on: the RPZ log's hits become threat_detected (with the feed's category).
  h = await startDnsHarness(['security', 'health', 'bulk'], {
    HDNS_FEEDS_ALLOW_PRIVATE: 'true',
    HDNS_MONITORS: 'true',
  });
  const zone = await h.api('/api/zones', { method: 'POST', body: { name: 'feeds.test' } });
  expect(zone.status).toBe(201);
  const rec = await h.api('/api/zones/feeds.test/records', {
    method: 'POST',
    body: { name: '*', type: 'A', value: '192.0.2.1' },
  });
  expect(rec.status, JSON.stringify(rec.body)).toBe(201);
}, 60_000);

afterAll(async () => {
  await h?.close();
  await lists?.close();
});

describe('blocklist feeds served by a real named', () => {
  it('compiles each format into its own policy zone and named answers per action', async () => {
    expect((await q('ads.feeds.test')).answers).toEqual(['192.0.2.1']);
    hostsFeed = await addFeed({ name: 'hosts', url: lists.url('/hosts.txt'), format: 'hosts' });
    expect(hostsFeed).toMatchObject({ lastError: null, domainCount: 3, skippedCount: 1 });
    adblockFeed = await addFeed({
      name: 'adblock',
      url: lists.url('/adblock.txt'),
      action: 'nodata',
      category: 'ads',
    });
    expect(adblockFeed).toMatchObject({ lastError: null, domainCount: 1, skippedCount: 1 });
    const domains = await addFeed({
      name: 'domains',
      url: lists.url('/domains.txt'),
      format: 'domains',
      action: 'redirect',
      redirectTo: '192.0.2.77',
    });
    expect(domains.domainCount).toBe(1);
    rpzFeed = await addFeed({ name: 'rpz', url: lists.url('/feed.rpz'), category: 'malware' });
    expect(rpzFeed.domainCount).toBe(2);

    expect((await q('ads.feeds.test')).status).toBe('NXDOMAIN');
    expect((await q('tracker.feeds.test')).status).toBe('NXDOMAIN');
    // adblock ||name^ covers the name and the names below it; NODATA answers NOERROR, empty.
    expect(await q('nodata.feeds.test')).toEqual({ status: 'NOERROR', answers: [], types: [] });
    expect(await q('deep.nodata.feeds.test')).toEqual({
      status: 'NOERROR',
      answers: [],
      types: [],
    });
    expect(await q('redir.feeds.test')).toMatchObject({
      status: 'NOERROR',
      answers: ['192.0.2.77'],
    });
    expect((await q('rpzlisted.feeds.test')).status).toBe('NXDOMAIN');
    expect((await q('a.rpzwild.feeds.test')).status).toBe('NXDOMAIN');
    // Names no list holds answer normally (hosts lists mean exact names only).
    expect((await q('sub.ads.feeds.test')).answers).toEqual(['192.0.2.1']);
    expect((await q('clean.feeds.test')).answers).toEqual(['192.0.2.1']);

    // named.conf: the allowlist first, then the manual zone, then the feeds in creation order.
    const conf = await readFile(path.join(h.server.config.dataDir, 'bind', 'named.conf'), 'utf8');
    const order = [...conf.matchAll(/zone "([^"]+)" policy given/g)].map((m) => m[1]);
    expect(order).toEqual([
      'rpz-allow.local',
      'rpz.local',
      hostsFeed.zone,
      adblockFeed.zone,
      domains.zone,
      rpzFeed.zone,
    ]);

    const update = await h.waitEvent('rpz_update', (d) => d.feedId === hostsFeed.id);
    expect(update.data).toMatchObject({
      action: 'bulk',
      added: 3,
      removed: 0,
      total: 3,
      errors: 1,
    });
    const progress = await h.waitEvent('bulk_operation_progress', (d) => d.jobId === hostsFeed.id);
    expect(progress.data).toMatchObject({ kind: 'feed_refresh', succeeded: 5, percent: 100 });
    await h.waitEvent(
      'bulk_operation_complete',
      (d) => d.jobId === hostsFeed.id && d.status === 'succeeded',
    );
  }, 90_000);

  it("a query a feed blocked raises threat_detected with the feed's category and zone", async () => {
    // A name of the RPZ-format feed (malware) and one below the adblock feed's rule (ads).
    expect((await q('rpzlisted.feeds.test')).status).toBe('NXDOMAIN');
    expect((await q('deeper.nodata.feeds.test')).answers).toEqual([]);
    const malware = await h.waitEvent('threat_detected', (d) => d.qname === 'rpzlisted.feeds.test');
    expect(malware.data).toMatchObject({
      category: 'malware',
      action: 'nxdomain',
      policyZone: rpzFeed.zone,
    });
    const ads = await h.waitEvent('threat_detected', (d) => d.qname === 'deeper.nodata.feeds.test');
    expect(ads.data).toMatchObject({
      category: 'ads',
      action: 'nodata',
      policyZone: adblockFeed.zone,
    });
    // The hosts feed kept the default category.
    expect((await q('tracker.feeds.test')).status).toBe('NXDOMAIN');
    const custom = await h.waitEvent('threat_detected', (d) => d.qname === 'tracker.feeds.test');
    expect(custom.data).toMatchObject({ category: 'custom', policyZone: hostsFeed.zone });
  });

  it('refreshes conditionally: ETag and Last-Modified give 304 and no rewrite', async () => {
    const file = path.join(h.server.config.dataDir, 'feeds', `db.${hostsFeed.zone}`);
    const before = await stat(file);
    const viaEtag = await refresh(hostsFeed.id);
    expect(viaEtag).toMatchObject({ outcome: 'not_modified', added: 0, removed: 0 });
    const etagAsk = lists.requests.filter((r) => r.path === '/hosts.txt').at(-1);
    expect(etagAsk).toMatchObject({ status: 304, ifNoneMatch: hostsFeed.etag });
    const viaDate = await refresh(adblockFeed.id);
    expect(viaDate.outcome).toBe('not_modified');
    const dateAsk = lists.requests.filter((r) => r.path === '/adblock.txt').at(-1);
    expect(dateAsk?.status).toBe(304);
    expect(dateAsk?.ifModifiedSince).not.toBeNull();
    const after = await stat(file);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('a changed list reloads its own zone with what changed', async () => {
    lists.set('/hosts.txt', {
      body: ['0.0.0.0 ads.feeds.test tracker.feeds.test', '0.0.0.0 new.feeds.test', ''].join('\n'),
    });
    const result = await refresh(hostsFeed.id);
    expect(result).toMatchObject({ outcome: 'updated', added: 1, removed: 1, total: 3 });
    expect((await q('new.feeds.test')).status).toBe('NXDOMAIN');
    expect((await q('gone.feeds.test')).answers).toEqual(['192.0.2.1']);
    await h.waitEvent(
      'rpz_update',
      (d) => d.feedId === hostsFeed.id && d.added === 1 && d.removed === 1,
    );
  });

  it('a failing feed keeps its last good list, records the error and raises an alert', async () => {
    lists.set('/hosts.txt', { body: '', status: 500 });
    const failed = await refresh(hostsFeed.id);
    expect(failed).toMatchObject({ outcome: 'failed' });
    expect(String(failed.error)).toContain('HTTP 500');
    expect((await q('new.feeds.test')).status).toBe('NXDOMAIN');
    const alert = await h.waitEvent(
      'health_alert',
      (d) => d.source === 'feeds' && String(d.message).includes('HTTP 500'),
    );
    expect(alert.data).toMatchObject({ alertId: `feed-${hostsFeed.id}`, severity: 'warning' });

    lists.set('/hosts.txt', { body: '<html>\n<body>Service unavailable</body>\n</html>\n' });
    const garbage = await refresh(hostsFeed.id);
    expect(garbage).toMatchObject({ outcome: 'failed' });
    expect(String(garbage.error)).toContain('no usable name');
    expect((await q('new.feeds.test')).status).toBe('NXDOMAIN');
    expect((await q('ads.feeds.test')).status).toBe('NXDOMAIN');
    const listed = (await h.api('/api/feeds')).body as { feeds: FeedBody[] };
    const state = listed.feeds.find((f) => f.id === hostsFeed.id);
    expect(state).toMatchObject({ domainCount: 3 });
    expect(state?.lastError).toContain('no usable name');

    lists.set('/hosts.txt', { body: '0.0.0.0 ads.feeds.test\n' });
    expect(await refresh(hostsFeed.id)).toMatchObject({ outcome: 'updated', total: 1 });
    await h.waitEvent('health_alert', (d) => d.source === 'feeds' && d.resolved === true);
    expect((await q('new.feeds.test')).answers).toEqual(['192.0.2.1']);
  });

  it('the allowlist wins over every feed', async () => {
    const set = await h.api('/api/feeds/allowlist', {
      method: 'PUT',
      body: { domains: ['ads.feeds.test', 'Nodata.feeds.test.'] },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toEqual({ domains: ['ads.feeds.test', 'nodata.feeds.test'] });
    expect((await q('ads.feeds.test')).answers).toEqual(['192.0.2.1']);
    expect((await q('nodata.feeds.test')).answers).toEqual(['192.0.2.1']);
    // Exact names only: the subdomain is still caught by the adblock rule.
    expect((await q('deep.nodata.feeds.test')).answers).toEqual([]);
    const got = await h.api('/api/feeds/allowlist');
    expect(got.body).toEqual({ domains: ['ads.feeds.test', 'nodata.feeds.test'] });
    await h.api('/api/feeds/allowlist', { method: 'PUT', body: { domains: [] } });
    expect((await q('ads.feeds.test')).status).toBe('NXDOMAIN');
  });

  it('disabling a feed takes its zone out; deleting removes it', async () => {
    const patched = await h.api(`/api/feeds/${adblockFeed.id}`, {
      method: 'PATCH',
      body: { version: adblockFeed.version, enabled: false },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect((await q('nodata.feeds.test')).answers).toEqual(['192.0.2.1']);
    const conf = await readFile(path.join(h.server.config.dataDir, 'bind', 'named.conf'), 'utf8');
    expect(conf).not.toContain(adblockFeed.zone);
    const del = await h.api(`/api/feeds/${hostsFeed.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await q('ads.feeds.test')).answers).toEqual(['192.0.2.1']);
  });

  it('refuses more enabled feeds than BIND evaluates policy zones', async () => {
    lists.set('/missing.txt', { body: '', status: 404 });
    const listed = (await h.api('/api/feeds')).body as { feeds: { enabled: boolean }[] };
    let enabled = listed.feeds.filter((f) => f.enabled).length;
    while (enabled < 62) {
      const res = await h.api('/api/feeds', {
        method: 'POST',
        body: { name: `filler ${enabled}`, url: lists.url('/missing.txt') },
      });
      expect(res.status).toBe(201);
      enabled++;
    }
    const over = await h.api('/api/feeds', {
      method: 'POST',
      body: { name: 'one too many', url: lists.url('/missing.txt') },
    });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 'FEED_LIMIT_REACHED', details: { max: 62 } });
  }, 60_000);

  it('refuses URLs that are not http or https', async () => {
    const viewer = await h.api('/api/feeds', {
      method: 'POST',
      body: { name: 'x', url: 'ftp://example.com/list' },
    });
    expect(viewer.status).toBe(400);
  });
});
