import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryPage } from '@hdns/protocol/rest';
import { sleep, makeTempDir, waitFor } from '@hdns/testkit';
import { dig, freePort, tempDir } from './bind-helpers.js';
import { startTestServer, type TestServer } from './helpers.js';

/**
 * System mode against a named this test starts itself, standing in for the operator's BIND:
 * its own named.conf, controls with its own key, and the include of the app's directory.
 */

const run = promisify(execFile);

let named: ChildProcess | null = null;
let server: TestServer | null = null;
let removeDir: (() => Promise<void>) | null = null;
let dir = '';
let dnsPort = 0;
let rndcPort = 0;
let admin = '';
let dataDir = '';

async function rndcStatusOk(): Promise<boolean> {
  try {
    await run('rndc', [
      '-k',
      path.join(dir, 'rndc.key'),
      '-s',
      '127.0.0.1',
      '-p',
      String(rndcPort),
      'status',
    ]);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  const temp = await tempDir('hdns-system-');
  dir = temp.dir;
  removeDir = temp.remove;
  dnsPort = await freePort();
  rndcPort = await freePort();
  await run('rndc-confgen', ['-a', '-c', path.join(dir, 'rndc.key'), '-k', 'operator-key']);
  // The app's directory with an empty include, so the "system" named starts before the app.
  await mkdir(path.join(dir, 'hdns'));
  await writeFile(path.join(dir, 'hdns', 'hdns-zones.conf'), '');
  const conf = path.join(dir, 'named.conf');
  await writeFile(
    conf,
    [
      `include "${dir}/rndc.key";`,
      `controls { inet 127.0.0.1 port ${rndcPort} allow { 127.0.0.1; } keys { "operator-key"; }; };`,
      'options {',
      `  directory "${dir}"; pid-file "${dir}/named.pid"; session-keyfile "${dir}/session.key";`,
      `  managed-keys-directory "${dir}";`,
      `  listen-on port ${dnsPort} { 127.0.0.1; }; listen-on-v6 { none; };`,
      '  dnssec-validation no; recursion no;',
      // The operator relaxes host-name checks: the server must not refuse what named serves.
      '  check-names primary ignore;',
      // The operator's dnstap to the server's socket (README, system mode).
      '  dnstap { auth; client; };',
      `  dnstap-output unix "${dir}/run/dnstap.sock";`,
      '  dnstap-identity "operator-ns";',
      '  fstrm-set-input-queue-size 128; fstrm-set-output-notify-threshold 96;',
      '};',
      'logging { channel f { file "named.log"; severity info; }; category default { f; }; };',
      `include "${dir}/hdns/hdns-zones.conf";`,
      '',
    ].join('\n'),
  );
  named = spawn('named', ['-c', conf, '-f', '-n', '1'], { stdio: 'ignore' });
  const deadline = Date.now() + 15_000;
  while (!(await rndcStatusOk())) {
    if (Date.now() > deadline) throw new Error('the test named did not answer rndc');
    await sleep(100);
  }
  dataDir = await makeTempDir();
  server = await startSystemServer();
  admin = (await server.login()).accessToken;
}, 60_000);

function systemEnv(): Record<string, string> {
  return {
    HDNS_BIND_MODE: 'system',
    HDNS_BIND_SYSTEM_DIR: path.join(dir, 'hdns'),
    HDNS_BIND_SYSTEM_RNDC_KEY: path.join(dir, 'rndc.key'),
    HDNS_BIND_SYSTEM_RNDC_PORT: String(rndcPort),
    HDNS_BIND_SYSTEM_DNS_PORT: String(dnsPort),
    HDNS_BIND_SYSTEM_DNSTAP_SOCKET: path.join(dir, 'run', 'dnstap.sock'),
    HDNS_MONITORS: 'true',
  };
}

function startSystemServer(): Promise<TestServer> {
  return startTestServer({ dataDir, env: systemEnv() });
}

afterAll(async () => {
  await server?.close();
  if (named && named.exitCode === null) {
    const exited = new Promise((r) => named?.once('exit', r));
    named.kill('SIGTERM');
    await Promise.race([exited, sleep(5_000)]);
    if (named.exitCode === null) named.kill('SIGKILL');
  }
  await removeDir?.();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const api = (p: string, init: Parameters<TestServer['api']>[1] = {}) => {
  if (!server) throw new Error('server not started');
  return server.api(p, { token: admin, ...init });
};

describe('system mode (an existing named fed through an include file)', () => {
  it('starts in system mode and writes only its directory', async () => {
    expect(server?.app.bind.mode).toBe('system');
    expect(server?.app.bind.backend.mode).toBe('system');
    const include = await readFile(path.join(dir, 'hdns', 'hdns-zones.conf'), 'utf8');
    expect(include).toContain(`file "${dir}/hdns/zones/db.rpz.local";`);
  });

  it('serves a zone and record created over REST from the system named', async () => {
    const zone = await api('/api/zones', {
      method: 'POST',
      body: { name: 'sys.test', type: 'primary' },
    });
    expect(zone.status).toBe(201);
    const rec = await api('/api/zones/sys.test/records', {
      method: 'POST',
      body: { name: 'www', type: 'A', value: '192.0.2.44', ttl: 300 },
    });
    expect(rec.status).toBe(201);
    expect(await dig(dnsPort, 'www.sys.test')).toMatchObject({
      status: 'NOERROR',
      answers: ['192.0.2.44'],
    });
    // check-names is the operator's named.conf's to decide here (it says ignore).
    const underscore = await api('/api/zones/sys.test/records', {
      method: 'POST',
      body: { name: 'under_score', type: 'A', value: '192.0.2.45', ttl: 300 },
    });
    expect(underscore.status, JSON.stringify(underscore.body)).toBe(201);
    expect(await dig(dnsPort, 'under_score.sys.test')).toMatchObject({ answers: ['192.0.2.45'] });
  });

  it("receives the system named's answers over dnstap on HDNS_BIND_SYSTEM_DNSTAP_SOCKET", async () => {
    // named connects to the socket every 5 s until the server listens: ask until it shows.
    const found = await waitFor(
      async () => {
        await dig(dnsPort, 'www.sys.test');
        const res = await api('/api/queries?name=www.sys.test&nameMatch=exact');
        expect(res.status).toBe(200);
        const items = (res.body as QueryPage).items;
        return items.find((q) => q.source === 'dnstap');
      },
      30_000,
      'the dnstap facts of www.sys.test in the store',
      500,
    );
    expect(found).toMatchObject({
      rcode: 'NOERROR',
      answer: 'A 192.0.2.44',
      node: 'operator-ns',
      transport: 'udp',
    });
  }, 60_000);

  it('refuses a record named-checkzone rejects and keeps serving the old serial', async () => {
    const before = (await api('/api/zones/sys.test')).body as { serial: number };
    const ns = await api('/api/zones/sys.test/records', {
      method: 'POST',
      body: { name: '@', type: 'NS', value: 'ns9.sys.test.' },
    });
    expect(ns.status).toBe(422);
    expect(ns.body).toMatchObject({ code: 'ZONE_CHECK_FAILED' });
    const soa = await dig(dnsPort, 'sys.test', 'SOA');
    expect(soa.status).toBe('NOERROR');
    expect(soa.answers[0]?.split(' ')[2]).toBe(String(before.serial));
    expect(await dig(dnsPort, 'www.sys.test')).toMatchObject({ answers: ['192.0.2.44'] });
  });

  it('refuses global forwarders, which live in the operator named.conf', async () => {
    const res = await api('/api/forwarders', {
      method: 'POST',
      body: { name: 'upstream', address: '127.0.0.1', port: 5399 },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'global forwarders are managed in your own named.conf in system mode',
    });
    expect(((await api('/api/forwarders')).body as { forwarders: unknown[] }).forwarders).toEqual(
      [],
    );
  });

  it('refuses blocklist feeds and the allowlist, which its named would not serve', async () => {
    const message =
      "blocklist feeds and the allowlist are served by a managed named only; in system mode your named.conf's response-policy lists the policy zones";
    const feed = await api('/api/feeds', {
      method: 'POST',
      body: { name: 'ads', url: 'https://lists.example/ads.txt' },
    });
    expect(feed.status).toBe(400);
    expect(feed.body).toMatchObject({ code: 'VALIDATION_ERROR', message });
    const allow = await api('/api/feeds/allowlist', {
      method: 'PUT',
      body: { domains: ['ok.example'] },
    });
    expect(allow.status).toBe(400);
    expect(allow.body).toMatchObject({ code: 'VALIDATION_ERROR', message });
    // Reading still works: the lists stay empty.
    expect(((await api('/api/feeds')).body as { feeds: unknown[] }).feeds).toEqual([]);
  });

  it('fails the start naming the setting when rndc does not answer', async () => {
    const wrongPort = await freePort();
    await expect(
      startTestServer({
        env: { ...systemEnv(), HDNS_BIND_SYSTEM_RNDC_PORT: String(wrongPort) },
      }),
    ).rejects.toThrow(/HDNS_BIND_SYSTEM_RNDC_PORT/);
  });

  it('puts its zones back into the system named from the database at start', async () => {
    await server?.close();
    // Simulate named having lost our include (e.g. rebuilt by hand) while the app was down.
    await writeFile(path.join(dir, 'hdns', 'hdns-zones.conf'), '');
    await run('rndc', [
      '-k',
      path.join(dir, 'rndc.key'),
      '-s',
      '127.0.0.1',
      '-p',
      String(rndcPort),
      'reconfig',
    ]);
    expect((await dig(dnsPort, 'www.sys.test')).status).toBe('REFUSED');
    server = await startSystemServer();
    admin = (await server.login()).accessToken;
    expect(await dig(dnsPort, 'www.sys.test')).toMatchObject({
      status: 'NOERROR',
      answers: ['192.0.2.44'],
    });
  });

  it('removes a deleted zone from the system named', async () => {
    expect((await api('/api/zones/sys.test', { method: 'DELETE' })).status).toBe(204);
    expect((await dig(dnsPort, 'www.sys.test')).status).toBe('REFUSED');
  });

  it('fails the start with the named.conf snippet when named does not include our file', async () => {
    const conf = path.join(dir, 'named.conf');
    const text = await readFile(conf, 'utf8');
    await writeFile(conf, text.replace(/^include ".*hdns-zones\.conf";$/m, ''));
    await run('rndc', [
      '-k',
      path.join(dir, 'rndc.key'),
      '-s',
      '127.0.0.1',
      '-p',
      String(rndcPort),
      'reconfig',
    ]);
    await server?.close();
    await expect(startSystemServer()).rejects.toThrow(
      /did not load .*hdns-zones\.conf[\s\S]*include "/,
    );
  });
});
