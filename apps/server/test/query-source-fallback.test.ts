import { execFile } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventFrame } from '@hdns/protocol';
import type { QueryPage, QueryStoreStatus } from '@hdns/protocol/rest';
import {
  TestClient,
  apiRequest,
  freePort,
  loginAt,
  makeTempDir,
  removeDir,
  startServerProcess,
  waitFor,
  type ServerProcess,
} from '@hdns/testkit';
import { bindBinaries, freeBindPorts } from './bind-helpers.js';

/**
 * A BIND built without dnstap: the real named behind a `named` on PATH whose `-V` shows
 * `--disable-dnstap` (everything else is the real binary). `HDNS_QUERY_SOURCE=auto` must fall
 * back to the text query log, say why in bind_status, leave dnstap out of named.conf, and keep
 * the live query log and the store working from the log.
 */

const run = promisify(execFile);
let dataDir = '';
let fakeBin = '';
let proc: ServerProcess;
let ws: TestClient;
let token = '';
let dnsPort = 0;

beforeAll(async () => {
  const { named } = bindBinaries();
  fakeBin = await makeTempDir();
  await writeFile(
    path.join(fakeBin, 'named'),
    [
      '#!/bin/sh',
      `if [ "$1" = "-V" ]; then "${named}" -V | sed 's/--enable-dnstap/--disable-dnstap/'; exit 0; fi`,
      `exec "${named}" "$@"`,
      '',
    ].join('\n'),
  );
  await chmod(path.join(fakeBin, 'named'), 0o755);
  dataDir = await makeTempDir();
  const ports = await freeBindPorts();
  dnsPort = ports.dns;
  proc = await startServerProcess(
    {
      PATH: `${fakeBin}:${process.env.PATH ?? ''}`,
      HDNS_DATA_DIR: dataDir,
      HDNS_ADMIN_PASSWORD: 'admin-password-1',
      HDNS_BIND_MODE: 'managed',
      HDNS_BIND_DNS_PORT: String(ports.dns),
      HDNS_BIND_RNDC_PORT: String(ports.rndc),
      HDNS_BIND_STATS_PORT: String(ports.stats),
      HDNS_MONITORS: 'true',
      HDNS_BIND_STATUS_INTERVAL: '1',
    },
    await freePort(),
  );
  token = (await loginAt(proc.url, 'admin', 'admin-password-1')).accessToken;
  ws = (
    await TestClient.connect(`${proc.url.replace('http', 'ws')}/ws`, {
      token,
      subscribe: ['dns_query_log', 'bind_status'],
    })
  ).client;
  const zone = await apiRequest(`${proc.url}/api/zones`, {
    method: 'POST',
    token,
    body: { name: 'fallback.test' },
  });
  expect(zone.status).toBe(201);
}, 90_000);

afterAll(async () => {
  ws?.close();
  await proc?.stop();
  if (dataDir) await removeDir(dataDir);
  if (fakeBin) await removeDir(fakeBin);
});

describe('a named without dnstap', () => {
  it('falls back to the text query log and says why in bind_status', async () => {
    const status = await ws.waitFor(
      () =>
        ws.events.find(
          (e: EventFrame) =>
            e.event === 'bind_status' &&
            (e.data as { querySource?: string }).querySource !== undefined,
        ),
      15_000,
    );
    expect(status.data).toMatchObject({
      querySource: 'querylog',
      querySourceReason: 'named -V shows no --enable-dnstap',
    });
    const conf = await readFile(path.join(dataDir, 'bind', 'named.conf'), 'utf8');
    expect(conf).not.toContain('dnstap');
    expect(conf).toContain('querylog yes;');
  });

  it('still publishes and stores each query from the log, without answer facts', async () => {
    const event = await waitFor(
      async () => {
        await run('dig', [
          '@127.0.0.1',
          '-p',
          String(dnsPort),
          '+time=1',
          '+tries=1',
          'log.fallback.test',
        ]);
        return ws.events.find(
          (e: EventFrame) =>
            e.event === 'dns_query_log' &&
            (e.data as { qname: string }).qname === 'log.fallback.test',
        );
      },
      20_000,
      'the logged query',
      300,
    );
    expect(event.data).not.toHaveProperty('rcode');
    expect(event.data).not.toHaveProperty('partial');
    const page = await waitFor(async () => {
      const res = await apiRequest(`${proc.url}/api/queries?name=log.fallback.test`, { token });
      const items = (res.body as QueryPage).items;
      return items.length > 0 ? items : undefined;
    }, 10_000);
    expect(page[0]).toMatchObject({ source: 'querylog', rcode: null, latencyMs: null });
    const store = await apiRequest(`${proc.url}/api/queries/store`, { token });
    expect((store.body as QueryStoreStatus).source).toBe('querylog');
  });
});
