import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  startClusterServices,
  waitForValue,
  type ClusterServices,
  type ProcessServer,
} from '@hdns/testkit';
import { dig, type BindPorts } from './bind-helpers.js';
import { startListServer, type ListServer } from './feed-list-server.js';
import { createZoneOnHolder, startLeaseInstance } from './lease-instances.js';

/**
 * Blocklist feeds under HDNS_BIND_LEASE: two instances on one PostgreSQL and one Redis. Feed
 * writes made on the instance that does not hold the lease are forwarded to the holder, whose
 * named serves the feed's zone (compiled in the holder's data dir); the other named serves
 * nothing. (The fence refusing a fenced-off holder's feed writes: feeds-fence.test.ts.)
 */

let services: ClusterServices;
let lists: ListServer;
let a: ProcessServer;
let b: ProcessServer;
let portsA: BindPorts;
let portsB: BindPorts;
let token: string;

beforeAll(async () => {
  services = await startClusterServices();
  lists = await startListServer();
  const shared = { ...services.env, HDNS_FEEDS_ALLOW_PRIVATE: 'true' };
  ({ server: a, ports: portsA } = await startLeaseInstance(shared));
  token = (await a.login()).accessToken;
  // A is alone: it takes the lease and starts its named.
  await createZoneOnHolder(a, token, 'lease-feeds.test');
  const rec = await a.api('/api/zones/lease-feeds.test/records', {
    token,
    body: { name: '*', type: 'A', value: '192.0.2.1' },
  });
  expect(rec.status).toBe(201);
  ({ server: b, ports: portsB } = await startLeaseInstance(shared));
}, 120_000);

afterAll(async () => {
  await b?.close();
  await a?.close();
  await lists?.close();
  await services?.close();
});

const status = (port: number, name: string) =>
  dig(port, name).then(
    (r) => r.status,
    () => null,
  );

it('feed writes made on the other instance are forwarded to the holder, whose named serves them', async () => {
  lists.set('/lease.txt', { body: 'blocked.lease-feeds.test\nallowed.lease-feeds.test\n' });
  const created = await b.api('/api/feeds', {
    token,
    body: { name: 'lease', url: lists.url('/lease.txt'), format: 'domains' },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = (created.body as { id: string }).id;
  // The first download runs on the holder, as a write forwarded there.
  await waitForValue(
    () => status(portsA.dns, 'blocked.lease-feeds.test'),
    (s) => s === 'NXDOMAIN',
    "the feed served by A's named",
    20_000,
  );
  // B holds no lease, so it runs no named: nothing answers there (not merely some dig failure).
  const atB = await dig(portsB.dns, 'blocked.lease-feeds.test').then(
    (r) => `answered ${r.status}`,
    (err: unknown) => String(err),
  );
  expect(atB).toContain('no servers could be reached');

  const allow = await b.api('/api/feeds/allowlist', {
    method: 'PUT',
    token,
    body: { domains: ['allowed.lease-feeds.test'] },
  });
  expect(allow.status, JSON.stringify(allow.body)).toBe(200);
  expect(await status(portsA.dns, 'allowed.lease-feeds.test')).toBe('NOERROR');

  const refreshed = await b.api(`/api/feeds/${id}/refresh`, { method: 'POST', token });
  expect(refreshed.status).toBe(200);
  expect(refreshed.body).toMatchObject({ outcome: 'not_modified' });

  const removed = await b.api(`/api/feeds/${id}`, { method: 'DELETE', token });
  expect(removed.status).toBe(204);
  expect(await status(portsA.dns, 'blocked.lease-feeds.test')).toBe('NOERROR');
}, 40_000);
