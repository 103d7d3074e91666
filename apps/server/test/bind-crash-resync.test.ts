import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiInit } from '@hdns/testkit';
import { bindLayout, type BindPorts } from '../src/bind/bind-layout.js';
import { BindTools } from '../src/bind/bind-tools.js';
import { stopStaleNamed } from '../src/bind/stale-named.js';
import { bindBinaries, dig, freeBindPorts } from './bind-helpers.js';
import { createZoneWithWww } from './helpers.js';
import { restartableServer, type RestartableServer } from './process.js';

/**
 * The server process is killed (SIGKILL, via the test-only fault point `bind-after-apply`) right
 * after BIND applied a change and before the database stored it. Its named outlives it and
 * serves the change for a while; the next start stops that named and re-renders everything from
 * the database. After the restart dig and the REST API must agree: the change is absent in both.
 * One data dir through the whole file; every case is one crashed process and one clean start.
 */

const PASSWORD = 'crash-resync-password';
let srv: RestartableServer;
let ports: BindPorts;
let rndc: BindTools;
const api = (pathname: string, init?: ApiInit) => srv.api(pathname, init);
const start = () => srv.start();
const layout = () => bindLayout(path.join(srv.dataDir, 'bind'));

/**
 * Starts a process armed with the fault point, sends `request` (which must be the first BIND
 * change) and waits for the process to die by SIGKILL without answering.
 */
async function crashDuring(pathname: string, init: ApiInit): Promise<void> {
  const answer = await srv.crashAt('bind-after-apply', () =>
    api(pathname, init).then(
      (r) => `answered ${r.status}`,
      () => 'no answer',
    ),
  );
  expect(answer).toBe('no answer');
}

const servedSerial = async (zone: string) => (await rndc.zoneStatus(zone))?.serial ?? null;
const storedZone = async (zone: string) => {
  const res = await api(`/api/zones/${zone}`);
  return res.status === 200 ? (res.body as { serial: number }) : null;
};
const storedRecordNames = async (zone: string) =>
  ((await api(`/api/zones/${zone}/records`)).body as { records: { name: string }[] }).records
    .map((r) => r.name)
    .sort();

beforeAll(async () => {
  ports = await freeBindPorts();
  srv = await restartableServer({
    prefix: 'hdns-crash-',
    adminPassword: PASSWORD,
    env: {
      HDNS_BIND_MODE: 'managed',
      HDNS_BIND_DNS_PORT: String(ports.dns),
      HDNS_BIND_RNDC_PORT: String(ports.rndc),
      HDNS_BIND_STATS_PORT: String(ports.stats),
    },
    seed: async (first) => {
      for (const name of ['keep.test', 'doomed.test']) await createZoneWithWww(first.api, name);
    },
  });
  rndc = new BindTools({
    binaries: bindBinaries(),
    rndc: { confFile: layout().rndcConf, host: '127.0.0.1', port: ports.rndc },
  });
}, 60_000);

afterAll(async () => {
  if (!srv) return;
  await srv.stop();
  // A case that failed between a crash and the next start leaves the crashed process's named.
  await stopStaleNamed(layout().pidFile, layout().namedConf);
  await srv.close();
});

describe('a crash between "BIND applied" and "database stored"', () => {
  it('record create: served by the orphaned named, gone from both after the restart', async () => {
    await crashDuring('/api/zones/keep.test/records', {
      method: 'POST',
      body: { name: 'new', type: 'A', value: '192.0.2.2' },
    });
    // The fault point fired after the apply: the old named still runs and serves the change.
    expect((await dig(ports.dns, 'new.keep.test')).answers).toEqual(['192.0.2.2']);

    await start();
    expect((await dig(ports.dns, 'new.keep.test')).status).toBe('NXDOMAIN');
    expect(await storedRecordNames('keep.test')).toEqual(['www']);
    expect(await servedSerial('keep.test')).toBe((await storedZone('keep.test'))?.serial);
    await srv.stop();
  }, 60_000);

  it('zone create: the zone, its file and its named.conf entry are gone after the restart', async () => {
    await crashDuring('/api/zones', { method: 'POST', body: { name: 'born.test' } });
    expect(await servedSerial('born.test')).not.toBeNull();
    // Debris of another crash, mid-write: a staged file and a zone file nobody owns.
    const { stagingDir, zonesDir, namedConf } = layout();
    await mkdir(stagingDir, { recursive: true });
    await writeFile(path.join(stagingDir, 'db.keep.test'), 'half a file');
    await writeFile(path.join(zonesDir, 'db.stray.test'), 'orphan');

    await start();
    expect(await storedZone('born.test')).toBeNull();
    expect(await servedSerial('born.test')).toBeNull();
    expect(await readFile(namedConf, 'utf8')).not.toContain('born.test');
    expect((await readdir(zonesDir)).sort()).toEqual([
      'db.catalog.hdns.invalid',
      'db.doomed.test',
      'db.keep.test',
      'db.rpz-allow.local',
      'db.rpz.local',
    ]);
    expect(await readdir(stagingDir)).toEqual([]);
    await srv.stop();
  }, 60_000);

  it('zone delete: removed from BIND only, so it is back in BIND after the restart', async () => {
    await crashDuring('/api/zones/doomed.test', { method: 'DELETE' });
    expect(await servedSerial('doomed.test')).toBeNull();

    await start();
    const stored = await storedZone('doomed.test');
    expect(stored).not.toBeNull();
    expect(await servedSerial('doomed.test')).toBe(stored?.serial);
    expect((await dig(ports.dns, 'www.doomed.test')).answers).toEqual(['192.0.2.1']);
    await srv.stop();
  }, 60_000);

  it('forwarder create: named.conf is back to the stored (empty) list after the restart', async () => {
    const { namedConf } = layout();
    await crashDuring('/api/forwarders', {
      method: 'POST',
      body: { name: 'crash', address: '192.0.2.77' },
    });
    expect(await readFile(namedConf, 'utf8')).toContain('192.0.2.77 port 53;');

    await start();
    expect((await api('/api/forwarders')).body).toEqual({ forwarders: [] });
    expect(await readFile(namedConf, 'utf8')).not.toContain('192.0.2.77');
    await srv.stop();
  }, 60_000);

  it('RPZ rule create: the block is lifted after the restart, as the database has no rule', async () => {
    await crashDuring('/api/rpz/rules', {
      method: 'POST',
      body: { domain: 'www.keep.test', action: 'nxdomain' },
    });
    expect((await dig(ports.dns, 'www.keep.test')).status).toBe('NXDOMAIN');

    await start();
    expect((await api('/api/rpz/rules')).body).toEqual({ rules: [] });
    expect((await dig(ports.dns, 'www.keep.test')).answers).toEqual(['192.0.2.1']);
    // Writes work on the healed state.
    const rec = await api('/api/zones/keep.test/records', {
      method: 'POST',
      body: { name: 'new', type: 'A', value: '192.0.2.3' },
    });
    expect(rec.status).toBe(201);
    expect((await dig(ports.dns, 'new.keep.test')).answers).toEqual(['192.0.2.3']);
  }, 60_000);
});
