import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, removeDir, waitForValue } from '@hdns/testkit';
import { afterAll, expect, it } from 'vitest';
import { dig, freeBindPorts } from './bind-helpers.js';
import { startListServer, type ListServer } from './feed-list-server.js';
import { startTestServer, type TestServer } from './helpers.js';

/**
 * A feed's zone outlives a restart: the start-up resync installs the compiled list from the
 * feeds directory and lists it in named.conf again, with no download (the list server is gone).
 */

let lists: ListServer | undefined;
let server: TestServer | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  await server?.close();
  await lists?.close();
  if (dataDir) await removeDir(dataDir);
});

it('serves the last good list after a restart without downloading it again', async () => {
  lists = await startListServer();
  lists.set('/list.txt', { body: 'kept.restart.test\n' });
  dataDir = await makeTempDir('hdns-feeds-restart-');
  const ports = await freeBindPorts();
  const env = {
    HDNS_BIND_MODE: 'managed',
    HDNS_BIND_DNS_PORT: String(ports.dns),
    HDNS_BIND_RNDC_PORT: String(ports.rndc),
    HDNS_BIND_STATS_PORT: String(ports.stats),
    HDNS_FEEDS_ALLOW_PRIVATE: 'true',
  };
  server = await startTestServer({ env, dataDir });
  let token = (await server.login()).accessToken;
  const created = await server.api('/api/feeds', {
    method: 'POST',
    token,
    body: { name: 'kept', url: lists.url('/list.txt') },
  });
  expect(created.status).toBe(201);
  const zone = (created.body as { zone: string }).zone;
  const s = server;
  await waitForValue(
    async () => (await s.api('/api/feeds', { token })).body as { feeds: { domainCount: number }[] },
    (v) => v.feeds[0]?.domainCount === 1,
    'first refresh',
    30_000,
  );
  expect((await dig(ports.dns, 'kept.restart.test')).status).toBe('NXDOMAIN');
  await server.close();
  await lists.close();
  lists = undefined;

  server = await startTestServer({ env, dataDir });
  token = (await server.login()).accessToken;
  expect((await dig(ports.dns, 'kept.restart.test')).status).toBe('NXDOMAIN');
  const conf = await readFile(path.join(dataDir, 'bind', 'named.conf'), 'utf8');
  expect(conf).toContain(`zone "${zone}" policy given`);
  const listed = (await server.api('/api/feeds', { token })).body as {
    feeds: { domainCount: number; lastError: string | null }[];
  };
  expect(listed.feeds[0]).toMatchObject({ domainCount: 1, lastError: null });
}, 90_000);
