import { execFile } from 'node:child_process';
import { open, readdir, readFile, rm, statfs, truncate } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, type ApiInit } from '@hdns/testkit';
import type { BindPorts } from '../src/bind/bind-layout.js';
import { dig, freeBindPorts } from './bind-helpers.js';
import { createZoneWithWww, startTestServer, type TestServer } from './helpers.js';

/**
 * A full disk, for real: the whole data dir (app database, event log, named's files) sits on a
 * small tmpfs mounted for this file (the tests run as root, in CI too). With the disk filled to
 * the brim every kind of DNS write answers 507 STORAGE_FULL and changes nothing; with a little
 * room left (where the zone file may fit but the database write may not) every write either
 * succeeds or fails, and in both cases the REST API and named agree. Once space is back,
 * everything works.
 */

const run = promisify(execFile);
let mountDir: string;
let mounted = false;
let server: TestServer | null = null;
let token = '';
let dnsPort = 0;
let ports: BindPorts;
/** Record names tried while the disk was (nearly) full. */
const probes = ['www', 'new'];
/** A rule whose effect dig can see: moved.full.test answers 192.0.2.99 while it exists. */
const MOVED_RULE = { domain: 'moved.full.test', action: 'redirect', redirectTo: '192.0.2.99' };
const filler = () => path.join(mountDir, 'filler');

/** The app on the tmpfs data dir (again, for a restart), logged in as admin. */
async function start(): Promise<void> {
  server = await startTestServer({
    dataDir: path.join(mountDir, 'data'),
    env: {
      HDNS_BIND_MODE: 'managed',
      HDNS_BIND_DNS_PORT: String(ports.dns),
      HDNS_BIND_RNDC_PORT: String(ports.rndc),
      HDNS_BIND_STATS_PORT: String(ports.stats),
    },
  });
  token = (await server.login()).accessToken;
}

function api(pathname: string, init: ApiInit = {}) {
  if (!server) throw new Error('no server');
  return server.api(pathname, { token, ...init });
}

function managed() {
  const m = server?.app.bind.managed;
  if (!m) throw new Error('not in managed mode');
  return m;
}

/** Appends to the filler file until not one more byte fits; returns its size. */
async function fillToTheBrim(): Promise<number> {
  const fh = await open(filler(), 'a');
  let size = (await fh.stat()).size;
  try {
    for (const chunk of [1 << 20, 1 << 14, 1 << 10, 64, 1]) {
      const buf = Buffer.alloc(chunk, 0x61);
      for (;;) {
        try {
          const { bytesWritten } = await fh.write(buf, 0, chunk, size);
          size += bytesWritten;
          if (bytesWritten < chunk) break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    await fh.close();
  }
  return size;
}

/** Every record the API lists is served with its value; every probe name agrees both ways. */
async function expectAgreement(probes: string[]): Promise<void> {
  const zone = (await api('/api/zones/full.test')).body as { serial: number };
  expect((await managed().tools.zoneStatus('full.test'))?.serial).toBe(zone.serial);
  const { records } = (await api('/api/zones/full.test/records')).body as {
    records: { name: string; type: string; value: string }[];
  };
  for (const r of records.filter((x) => x.type === 'A')) {
    expect((await dig(dnsPort, `${r.name}.full.test`)).answers).toEqual([r.value]);
  }
  for (const name of probes) {
    const stored = records.some((r) => r.name === name);
    const served = (await dig(dnsPort, `${name}.full.test`)).status === 'NOERROR';
    expect({ name, served }).toEqual({ name, served: stored });
  }
  const { rules } = (await api('/api/rpz/rules')).body as { rules: { domain: string }[] };
  const redirected = (await dig(dnsPort, 'moved.full.test')).answers.includes('192.0.2.99');
  expect(redirected).toBe(rules.some((r) => r.domain === 'moved.full.test'));
  // Global forwarders: the stored list is the one named.conf (and so named) has.
  const { forwarders } = (await api('/api/forwarders')).body as {
    forwarders: { address: string; port: number; enabled: boolean }[];
  };
  const stored = forwarders
    .filter((f) => f.enabled)
    .map((f) => ({ address: f.address, port: f.port }));
  expect(managed().writer.state().forwarders).toEqual(stored);
  const conf = await readFile(managed().layout.namedConf, 'utf8');
  for (const f of stored) expect(conf).toContain(`${f.address} port ${f.port};`);
  expect(await readdir(managed().layout.stagingDir)).toEqual([]);
}

beforeAll(async () => {
  mountDir = await makeTempDir('hdns-full-');
  await run('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0700', 'tmpfs', mountDir]);
  mounted = true;
  ports = await freeBindPorts();
  dnsPort = ports.dns;
  await start();
  await createZoneWithWww(api, 'full.test');
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (mounted) await run('umount', [mountDir]);
  await removeDir(mountDir);
});

describe('a full disk under the data dir', () => {
  it('filled to the brim: every DNS write answers 507 STORAGE_FULL and changes nothing', async () => {
    const zoneFile = managed().layout.zoneFile('full.test');
    const zoneText = await readFile(zoneFile, 'utf8');
    const confText = await readFile(managed().layout.namedConf, 'utf8');
    const { records } = (await api('/api/zones/full.test/records')).body as {
      records: { id: string; version: number }[];
    };
    const www = records[0];
    if (!www) throw new Error('no record');
    const zone = (await api('/api/zones/full.test')).body as { version: number };

    await fillToTheBrim();
    expect((await statfs(mountDir)).bavail).toBe(0);
    const attempts: [string, ApiInit][] = [
      [
        '/api/zones/full.test/records',
        { method: 'POST', body: { name: 'new', type: 'A', value: '192.0.2.2' } },
      ],
      [`/api/zones/full.test/records/${www.id}`, { method: 'DELETE', headers: {} }],
      ['/api/zones', { method: 'POST', body: { name: 'other.test' } }],
      [
        '/api/zones/full.test',
        { method: 'PATCH', body: { version: zone.version, defaultTtl: 60 } },
      ],
      ['/api/rpz/rules', { method: 'POST', body: MOVED_RULE }],
      [
        '/api/zones',
        { method: 'POST', body: { name: 'fwd.test', type: 'forward', forwarders: ['192.0.2.54'] } },
      ],
      ['/api/forwarders', { method: 'POST', body: { name: 'full', address: '192.0.2.53' } }],
      ['/api/zones/full.test', { method: 'DELETE' }],
    ];
    for (const [pathname, init] of attempts) {
      const res = await api(pathname, init);
      expect({ pathname, status: res.status, body: res.body }).toMatchObject({
        pathname,
        status: 507,
        body: { code: 'STORAGE_FULL' },
      });
    }
    expect(await readFile(zoneFile, 'utf8')).toBe(zoneText);
    expect(await readFile(managed().layout.namedConf, 'utf8')).toBe(confText);
    expect((await api('/api/zones/other.test')).status).toBe(404);
    expect((await api('/api/zones/fwd.test')).status).toBe(404);
    expect(await managed().tools.zoneStatus('other.test')).toBeNull();
    expect(((await api('/api/zones/full.test')).body as { defaultTtl: number }).defaultTtl).toBe(
      3600,
    );
    await expectAgreement(probes);
  });

  it('with a little room left, each write succeeds or fails, and API and named agree after each', async () => {
    const size = await fillToTheBrim();
    const outcomes: string[] = [];
    const fwdOutcomes: string[] = [];
    for (const room of [1, 2, 3, 4, 6, 8, 12, 16, 24, 32].map((pages) => pages * 4096)) {
      await truncate(filler(), Math.max(0, size - room));
      const name = `r${room}`;
      probes.push(name);
      const res = await api('/api/zones/full.test/records', {
        method: 'POST',
        body: { name, type: 'A', value: '192.0.2.9' },
      });
      outcomes.push(`${room}:${res.status}`);
      expect([201, 507], JSON.stringify(res.body)).toContain(res.status);
      await expectAgreement(probes);
      // A named.conf change in the same room: global forwarders.
      const fwd = await api('/api/forwarders', {
        method: 'POST',
        body: { name: `f${room}`, address: `192.0.2.${100 + room / 4096}` },
      });
      fwdOutcomes.push(`${room}:${fwd.status}`);
      expect([201, 507], JSON.stringify(fwd.body)).toContain(fwd.status);
      await expectAgreement(probes);
      await fillToTheBrim();
    }
    // Which writes fit depends on the page cache and SQLite's WAL reuse; the figures are kept
    // in the test output for the record.
    console.log(`room (bytes):status  ${outcomes.join('  ')}`);
    console.log(`forwarders, room (bytes):status  ${fwdOutcomes.join('  ')}`);
    // Twenty writes with named reloads and dig checks after each: minutes on a loaded machine.
    // A timeout would leave this loop refilling the disk under the next test, so allow plenty.
  }, 180_000);

  it('once space is back, writes work again and everything still agrees', async () => {
    await rm(filler());
    const rec = await api('/api/zones/full.test/records', {
      method: 'POST',
      body: { name: 'after', type: 'A', value: '192.0.2.3' },
    });
    expect(rec.status).toBe(201);
    const rule = await api('/api/rpz/rules', { method: 'POST', body: MOVED_RULE });
    expect(rule.status).toBe(201);
    const fwd = await api('/api/forwarders', {
      method: 'POST',
      body: { name: 'after', address: '192.0.2.53' },
    });
    expect(fwd.status).toBe(201);
    expect(await readFile(managed().layout.namedConf, 'utf8')).toContain('192.0.2.53 port 53;');
    await expectAgreement([...probes, 'after']);
  });
});
