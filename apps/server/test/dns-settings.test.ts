import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsSettingsView } from '@hdns/protocol/rest';
import { freePort, startFakeUpstream } from './bind-helpers.js';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';
import { createZoneWithWww } from './helpers.js';
import { lookupUser } from '../src/bind/named-user.js';

/**
 * The DNS service settings against a real named: network listeners (IPv4 and IPv6), allow-query
 * with a negated entry, recursion off, DNSSEC validation, response rate limiting; bad values
 * refused naming the field with named.conf untouched; a field fixed by the environment;
 * config_change events; a custom DNSSEC policy signing a zone with its algorithm, an undefined
 * policy and the removal of one in use refused; named running as user bind.
 */

let h: DnsHarness;
let lanPort: number;
let upstream: Awaited<ReturnType<typeof startFakeUpstream>>;
const namedConf = () => readFile(path.join(h.server.dataDir, 'bind', 'named.conf'), 'utf8');

/** dig with a chosen server, port and source address; status only. */
function digStatus(server: string, port: number, name: string, source?: string): Promise<string> {
  const args = [`@${server}`, '-p', String(port), name, 'A', '+time=1', '+tries=1'];
  if (source) args.push('-b', source);
  return new Promise((resolve) => {
    execFile('dig', args, { timeout: 10_000 }, (_err, stdout) => {
      resolve(/status: ([A-Z]+)/.exec(stdout)?.[1] ?? 'TIMEOUT');
    });
  });
}

/** dig +dnssec, answer section only. */
function digDnssec(port: number, name: string): Promise<string> {
  const args = ['@127.0.0.1', '-p', String(port), '+dnssec', '+norec', '+noall', '+answer'];
  return new Promise((resolve) => {
    execFile('dig', [...args, '+time=2', '+tries=1', name, 'A'], { timeout: 10_000 }, (_e, out) =>
      resolve(out),
    );
  });
}

async function view(): Promise<DnsSettingsView> {
  const res = await h.api('/api/settings/dns');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as DnsSettingsView;
}

async function put(change: (s: DnsSettingsView['settings']) => void) {
  const current = await view();
  const next = structuredClone(current.settings);
  change(next);
  return h.api('/api/settings/dns', {
    method: 'PUT',
    body: { ...next, version: current.version },
  });
}

/** Sends `count` identical A queries at once over UDP; resolves with the number answered. */
async function burst(port: number, name: string, count: number): Promise<number> {
  const socket = dgram.createSocket('udp4');
  let answered = 0;
  socket.on('message', (msg) => {
    const packet = dnsPacket.decode(msg);
    if (packet.type === 'response' && ((packet.flags ?? 0) & dnsPacket.TRUNCATED_RESPONSE) === 0)
      answered++;
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  for (let i = 0; i < count; i++) {
    const query = dnsPacket.encode({
      type: 'query',
      id: i + 1,
      questions: [{ type: 'A', name, class: 'IN' }],
    });
    socket.send(query, port, '127.0.0.1');
  }
  await new Promise((r) => setTimeout(r, 1500));
  socket.close();
  return answered;
}

const ownIpv4 = () =>
  Object.values(networkInterfaces())
    .flatMap((l) => l ?? [])
    .filter((a) => a.family === 'IPv4')
    .map((a) => a.address);

beforeAll(async () => {
  lanPort = await freePort();
  // The LAN port is fixed by the environment: it must show as locked.
  h = await startDnsHarness(['system'], { HDNS_DNS_LISTEN_PORT: String(lanPort) });
  await createZoneWithWww(h.api, 'lan.example');
  upstream = await startFakeUpstream({ 'outside.example': '198.51.100.7' });
  const fw = await h.api('/api/forwarders', {
    method: 'POST',
    body: { name: 'up', address: '127.0.0.1', port: upstream.port },
  });
  expect(fw.status).toBe(201);
}, 60_000);

afterAll(async () => {
  await h?.close();
  await upstream?.close();
});

describe('DNS service settings', () => {
  it('starts loopback only with validation auto, recursion for local networks, the port locked', async () => {
    const v = await view();
    expect(v.applies).toBe(true);
    expect(v.settings.listen).toEqual({ port: lanPort, ipv4: [], ipv6: [] });
    expect(v.settings.dnssecValidation).toBe('auto');
    expect(v.settings.allowRecursion).toEqual(['localnets']);
    expect(v.locked).toEqual({ 'listen.port': 'HDNS_DNS_LISTEN_PORT' });
    const conf = await namedConf();
    expect(conf).toContain('dnssec-validation auto;');
    expect(conf).toContain('listen-on-v6 { none; };');
    expect(await digStatus('127.0.0.1', lanPort, 'www.lan.example')).toBe('TIMEOUT');
    expect(await digStatus('127.0.0.1', h.dnsPort, 'www.lan.example')).toBe('NOERROR');
  });

  it('refuses bad values naming the field, leaving named.conf untouched', async () => {
    const before = await namedConf();
    const cases: [(s: DnsSettingsView['settings']) => void, string][] = [
      [(s) => (s.allowQuery = ['10.0.0.0/33']), '/allowQuery/0'],
      [(s) => (s.listen.ipv4 = ['203.0.113.250']), '/listen/ipv4/0'],
      [(s) => (s.listen.port = 5353), '/listen/port'],
      [(s) => (s.rateLimit.responsesPerSecond = 0), '/rateLimit/responsesPerSecond'],
    ];
    for (const [change, field] of cases) {
      const res = await put(change);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      const body = res.body as { code: string; details: { issues: { path: string }[] } };
      expect(body.code).toBe('VALIDATION_ERROR');
      expect(body.details.issues.map((i) => i.path)).toContain(field);
    }
    const stale = await h.api('/api/settings/dns', {
      method: 'PUT',
      body: { ...(await view()).settings, version: 99 },
    });
    expect(stale.status).toBe(409);
    expect(await namedConf()).toBe(before);
  });

  it('serves the network on IPv4 and IPv6, and allow-query first-match with a negation', async () => {
    const res = await put((s) => {
      s.listen.ipv4 = ['any'];
      s.listen.ipv6 = ['::1'];
      s.allowQuery = ['!127.0.0.3', 'localnets'];
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((res.body as DnsSettingsView).version).toBe(1);
    for (const address of ownIpv4())
      expect(await digStatus(address, lanPort, 'www.lan.example'), address).toBe('NOERROR');
    expect(await digStatus('::1', lanPort, 'www.lan.example')).toBe('NOERROR');
    expect(await digStatus('127.0.0.1', lanPort, 'www.lan.example', '127.0.0.3')).toBe('REFUSED');
    expect(await digStatus('127.0.0.1', lanPort, 'www.lan.example', '127.0.0.4')).toBe('NOERROR');
    // The server's own listener stays, and localhost is always admitted.
    expect(await digStatus('127.0.0.1', h.dnsPort, 'www.lan.example')).toBe('NOERROR');
    const change = await h.waitEvent('config_change', (d) => d.key === 'allowQuery');
    expect(change.data).toMatchObject({
      scope: 'dns',
      before: 'localnets',
      after: '!127.0.0.3, localnets',
    });
  });

  it('validates forwarded answers by default and recurses only while recursion is on', async () => {
    // The fake upstream cannot prove the root zone: validation on turns its answer away.
    expect(await digStatus('127.0.0.1', h.dnsPort, 'outside.example')).toBe('SERVFAIL');
    expect((await put((s) => (s.dnssecValidation = 'no'))).status).toBe(200);
    expect(await digStatus('127.0.0.1', h.dnsPort, 'outside.example')).toBe('NOERROR');
    expect((await put((s) => (s.recursion = false))).status).toBe(200);
    expect(await namedConf()).toContain('recursion no;');
    expect(await digStatus('127.0.0.1', h.dnsPort, 'outside.example')).toBe('REFUSED');
    // Authoritative data is still served.
    expect(await digStatus('127.0.0.1', h.dnsPort, 'www.lan.example')).toBe('NOERROR');
  });

  it('defines a custom DNSSEC policy that signs a zone with its algorithm', async () => {
    const policy = {
      name: 'rsa-pair',
      algorithm: 'rsasha256',
      keys: { kind: 'ksk-zsk', kskLifetime: 'P1Y', zskLifetime: 'P90D' },
      nsec3: true,
    } as const;
    const res = await put((s) => (s.dnssecPolicies = [policy]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((res.body as DnsSettingsView).settings.dnssecPolicies).toEqual([policy]);
    const conf = await namedConf();
    expect(conf).toContain('dnssec-policy "rsa-pair" {');
    expect(conf).toContain('ksk key-directory lifetime P1Y algorithm rsasha256;');
    const change = await h.waitEvent('config_change', (d) => d.key === 'dnssecPolicies.rsa-pair');
    expect(change.data).toMatchObject({
      before: '(none)',
      after: 'rsasha256, ksk P1Y + zsk P90D, nsec3',
    });

    const zone = await h.api('/api/zones/lan.example');
    const signed = await h.api('/api/zones/lan.example', {
      method: 'PATCH',
      body: { version: (zone.body as { version: number }).version, dnssecPolicy: 'rsa-pair' },
    });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    // Signing is asynchronous in named: poll until the RRSIG shows, with RSA/SHA-256 (8).
    const deadline = Date.now() + 15_000;
    let answer = '';
    while (!/\sRRSIG\s+A\s+8\s/.test(answer) && Date.now() < deadline) {
      answer = await digDnssec(h.dnsPort, 'www.lan.example');
      if (!/\sRRSIG\s+A\s/.test(answer)) await new Promise((r) => setTimeout(r, 200));
    }
    expect(answer).toMatch(/\sRRSIG\s+A\s+8\s/);
    expect(answer).not.toMatch(/\sRRSIG\s+A\s+13\s/);
  });

  it('refuses a zone naming an undefined policy, and removing a policy a zone signs with', async () => {
    const created = await h.api('/api/zones', {
      body: { name: 'unknown-policy.example', type: 'primary', dnssecPolicy: 'no-such-policy' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(400);
    const body = created.body as { code: string; message: string; details: { policy: string } };
    expect(body.code).toBe('DNSSEC_POLICY_UNKNOWN');
    expect(body.message).toContain('no-such-policy');
    expect(body.details.policy).toBe('no-such-policy');
    expect((await h.api('/api/zones/unknown-policy.example')).status).toBe(404);

    const zone = await h.api('/api/zones/lan.example');
    const patched = await h.api('/api/zones/lan.example', {
      method: 'PATCH',
      body: { version: (zone.body as { version: number }).version, dnssecPolicy: 'Rsa-Pair2' },
    });
    expect(patched.status).toBe(400);
    expect((patched.body as { code: string }).code).toBe('DNSSEC_POLICY_UNKNOWN');

    const before = await namedConf();
    const removed = await put((s) => (s.dnssecPolicies = []));
    expect(removed.status, JSON.stringify(removed.body)).toBe(409);
    const refusal = removed.body as {
      code: string;
      message: string;
      details: { usedBy: { policy: string; zones: string[] }[] };
    };
    expect(refusal.code).toBe('DNSSEC_POLICY_IN_USE');
    expect(refusal.message).toContain('lan.example');
    expect(refusal.details.usedBy).toEqual([{ policy: 'rsa-pair', zones: ['lan.example'] }]);
    expect(await namedConf()).toBe(before);

    // A change that leaves the policies out keeps them.
    const current = await view();
    const { dnssecPolicies: _kept, ...network } = current.settings;
    const kept = await h.api('/api/settings/dns', {
      method: 'PUT',
      body: { ...network, version: current.version },
    });
    expect(kept.status, JSON.stringify(kept.body)).toBe(200);
    expect((kept.body as DnsSettingsView).settings.dnssecPolicies.map((p) => p.name)).toEqual([
      'rsa-pair',
    ]);
  });

  it('limits the response rate per client network when enabled', async () => {
    const unlimited = await burst(h.dnsPort, 'www.lan.example', 40);
    expect(unlimited).toBe(40);
    const res = await put((s) => {
      s.rateLimit = { ...s.rateLimit, enabled: true, responsesPerSecond: 2, slip: 0, window: 1 };
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await namedConf()).toMatch(/rate-limit \{\s+responses-per-second 2;/);
    const limited = await burst(h.dnsPort, 'www.lan.example', 40);
    expect(limited).toBeLessThan(20);
    expect(limited).toBeGreaterThan(0);
  });

  it('keeps the field the environment fixed', async () => {
    const res = await put((s) => (s.listen.port = lanPort + 1));
    expect(res.status).toBe(400);
    const body = res.body as { details: { issues: { path: string; message: string }[] } };
    expect(body.details.issues).toContainEqual(
      expect.objectContaining({ path: '/listen/port', message: 'set by HDNS_DNS_LISTEN_PORT' }),
    );
  });

  it('is for admins only', async () => {
    const created = await h.api('/api/users', {
      body: { username: 'op1', password: 'operator-password', role: 'operator' },
    });
    expect(created.status).toBe(201);
    const token = (await h.server.login('op1', 'operator-password')).accessToken;
    expect((await h.server.api('/api/settings/dns', { token })).status).toBe(403);
  });

  it('runs named as user bind when the server is root', async () => {
    const bind = lookupUser('bind');
    const pid = Number(
      (await readFile(path.join(h.server.dataDir, 'bind', 'named.pid'), 'utf8')).trim(),
    );
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    expect(uid).toBe(process.getuid?.() === 0 && bind ? bind.uid : process.getuid?.());
  });
});
