import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindLayout, type BindPorts } from '../src/bind/bind-layout.js';
import { BindTools } from '../src/bind/bind-tools.js';
import { stopStaleNamed } from '../src/bind/stale-named.js';
import { bindBinaries, dig, freeBindPorts } from './bind-helpers.js';
import { apiRequest, makeTempDir, removeDir, type ApiInit } from './helpers.js';
import { freePort, startServerProcess, type ServerProcess } from './process.js';

/**
 * The server process is killed (SIGKILL, via the test-only fault point `bind-after-apply`) right
 * after BIND applied a change and before the database stored it. Its named outlives it and
 * serves the change for a while; the next start stops that named and re-renders everything from
 * the database. After the restart dig and the REST API must agree: the change is absent in both.
 * One data dir through the whole file; every case is one crashed process and one clean start.
 */

const PASSWORD = 'crash-resync-password';
let dataDir: string;
let ports: BindPorts;
let httpPort: number;
let proc: ServerProcess | null = null;
let token = '';
let rndc: BindTools;

async function start(extra: Record<string, string> = {}): Promise<void> {
  proc = await startServerProcess(
    {
      HDNS_DATA_DIR: dataDir,
      HDNS_ADMIN_PASSWORD: PASSWORD,
      HDNS_BIND_MODE: 'managed',
      HDNS_BIND_DNS_PORT: String(ports.dns),
      HDNS_BIND_RNDC_PORT: String(ports.rndc),
      HDNS_BIND_STATS_PORT: String(ports.stats),
      HDNS_MONITORS: 'false',
      ...extra,
    },
    httpPort,
  );
  const login = await apiRequest(`${proc.url}/api/auth/login`, {
    body: { username: 'admin', password: PASSWORD },
  });
  expect(login.status).toBe(200);
  token = (login.body as { accessToken: string }).accessToken;
}

function api(pathname: string, init: ApiInit = {}) {
  if (!proc) throw new Error('no server');
  return apiRequest(`${proc.url}${pathname}`, { token, ...init });
}

/**
 * Starts a process armed with the fault point, sends `request` (which must be the first BIND
 * change) and waits for the process to die by SIGKILL without answering.
 */
async function crashDuring(pathname: string, init: ApiInit): Promise<void> {
  await start({ HDNS_TEST_CRASH_AT: 'bind-after-apply' });
  const child = proc?.child;
  if (!child) throw new Error('no server');
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  const answer = await api(pathname, init).then(
    (r) => `answered ${r.status}`,
    () => 'no answer',
  );
  expect(answer).toBe('no answer');
  expect(await exited).toBe('SIGKILL');
  proc = null;
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
  dataDir = await makeTempDir('hdns-crash-');
  ports = await freeBindPorts();
  httpPort = await freePort();
  const layout = bindLayout(path.join(dataDir, 'bind'));
  rndc = new BindTools({
    binaries: bindBinaries(),
    rndc: { confFile: layout.rndcConf, host: '127.0.0.1', port: ports.rndc },
  });
  await start();
  for (const name of ['keep.test', 'doomed.test']) {
    expect((await api('/api/zones', { method: 'POST', body: { name } })).status).toBe(201);
    const rec = await api(`/api/zones/${name}/records`, {
      method: 'POST',
      body: { name: 'www', type: 'A', value: '192.0.2.1' },
    });
    expect(rec.status).toBe(201);
  }
  await proc?.stop();
  proc = null;
}, 60_000);

afterAll(async () => {
  await proc?.stop();
  // A case that failed between a crash and the next start leaves the crashed process's named.
  const layout = bindLayout(path.join(dataDir, 'bind'));
  await stopStaleNamed(layout.pidFile, layout.namedConf);
  await removeDir(dataDir);
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
    await proc?.stop();
  }, 60_000);

  it('zone create: the zone, its file and its named.conf entry are gone after the restart', async () => {
    await crashDuring('/api/zones', { method: 'POST', body: { name: 'born.test' } });
    expect(await servedSerial('born.test')).not.toBeNull();
    // Debris of another crash, mid-write: a staged file and a zone file nobody owns.
    const layout = bindLayout(path.join(dataDir, 'bind'));
    await mkdir(layout.stagingDir, { recursive: true });
    await writeFile(path.join(layout.stagingDir, 'db.keep.test'), 'half a file');
    await writeFile(path.join(layout.zonesDir, 'db.stray.test'), 'orphan');

    await start();
    expect(await storedZone('born.test')).toBeNull();
    expect(await servedSerial('born.test')).toBeNull();
    expect(await readFile(layout.namedConf, 'utf8')).not.toContain('born.test');
    expect((await readdir(layout.zonesDir)).sort()).toEqual([
      'db.doomed.test',
      'db.keep.test',
      'db.rpz.local',
    ]);
    expect(await readdir(layout.stagingDir)).toEqual([]);
    await proc?.stop();
  }, 60_000);

  it('zone delete: removed from BIND only, so it is back in BIND after the restart', async () => {
    await crashDuring('/api/zones/doomed.test', { method: 'DELETE' });
    expect(await servedSerial('doomed.test')).toBeNull();

    await start();
    const stored = await storedZone('doomed.test');
    expect(stored).not.toBeNull();
    expect(await servedSerial('doomed.test')).toBe(stored?.serial);
    expect((await dig(ports.dns, 'www.doomed.test')).answers).toEqual(['192.0.2.1']);
    await proc?.stop();
  }, 60_000);

  it('forwarder create: named.conf is back to the stored (empty) list after the restart', async () => {
    const layout = bindLayout(path.join(dataDir, 'bind'));
    await crashDuring('/api/forwarders', {
      method: 'POST',
      body: { name: 'crash', address: '192.0.2.77' },
    });
    expect(await readFile(layout.namedConf, 'utf8')).toContain('192.0.2.77 port 53;');

    await start();
    expect((await api('/api/forwarders')).body).toEqual({ forwarders: [] });
    expect(await readFile(layout.namedConf, 'utf8')).not.toContain('192.0.2.77');
    await proc?.stop();
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
