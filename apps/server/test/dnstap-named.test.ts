import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnstapListener, type DnstapListener } from '../src/dnstap/dnstap-listener.js';
import { detectDnstapSupport } from '../src/dnstap/dnstap-support.js';
import type { QueryFacts, UpstreamFacts } from '../src/queries/query-facts.js';
import { bindBinaries, dig, tempDir } from './bind-helpers.js';
import { startPlainNamed, type PlainNamed } from './plain-named.js';

/**
 * dnstap end to end against a real named: the listener is up before named starts (named drops
 * frames while not connected and retries only every 5 s), named answers real dig queries, and
 * the facts that come out of the socket are checked. Frames on a quiet named arrive up to ~2 s
 * late, so every check waits with a bounded poll.
 */

const ZONE = `$TTL 60
@ IN SOA ns.example.test. admin.example.test. 1 3600 600 86400 60
@ IN NS ns.example.test.
ns IN A 127.0.0.1
www IN A 192.0.2.10
www IN A 192.0.2.11
alias IN CNAME www.example.test.
bad IN A 192.0.2.66
`;
const RPZ = `$TTL 60
@ IN SOA ns.rpz.local. admin.rpz.local. 1 3600 600 86400 60
@ IN NS localhost.
bad.example.test CNAME .
`;
const UPSTREAM_ZONE = `$TTL 60
@ IN SOA ns.fwd.test. admin.fwd.test. 1 3600 600 86400 60
@ IN NS ns.fwd.test.
ns IN A 127.0.0.1
svc IN A 198.51.100.7
`;

function digTcp(port: number, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'dig',
      ['@127.0.0.1', '-p', String(port), name, 'A', '+tcp', '+time=2', '+tries=1'],
      { timeout: 10_000 },
      (error, stdout) => (error ? reject(new Error(error.message)) : resolve(stdout)),
    );
  });
}

async function waitFor<T>(what: string, find: () => T | undefined, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('dnstap from a real named', () => {
  let upstream: PlainNamed;
  let named: PlainNamed;
  let listener: DnstapListener;
  let sockDir: { dir: string; remove: () => Promise<void> };
  const queries: QueryFacts[] = [];
  const upstreams: UpstreamFacts[] = [];

  beforeAll(async () => {
    upstream = await startPlainNamed((dir, port) => {
      writeFileSync(path.join(dir, 'fwd.test.db'), UPSTREAM_ZONE);
      return `options { directory "${dir}"; listen-on port ${port} { 127.0.0.1; }; listen-on-v6 { none; };
        pid-file none; recursion no; };
        zone "fwd.test" { type primary; file "${dir}/fwd.test.db"; };`;
    });
    sockDir = await tempDir('hdns-tap-');
    const socketPath = path.join(sockDir.dir, 'dnstap.sock');
    listener = await startDnstapListener({
      socketPath,
      rpzZones: () => ['rpz.local'],
      onQuery: (f) => queries.push(f),
      onUpstream: (u) => upstreams.push(u),
    });
    named = await startPlainNamed((dir, port) => {
      writeFileSync(path.join(dir, 'example.test.db'), ZONE);
      writeFileSync(path.join(dir, 'rpz.local.db'), RPZ);
      return `options { directory "${dir}"; listen-on port ${port} { 127.0.0.1; }; listen-on-v6 { none; };
        pid-file none; recursion yes; allow-recursion { 127.0.0.1; }; dnssec-validation no;
        dnstap { client; forwarder; resolver; };
        dnstap-output unix "${socketPath}";
        dnstap-identity "node-a";
        response-policy { zone "rpz.local"; } recursive-only no qname-wait-recurse no; };
        zone "example.test" { type primary; file "${dir}/example.test.db"; };
        zone "rpz.local" { type primary; file "${dir}/rpz.local.db"; };
        zone "fwd.test" { type forward; forward only; forwarders { 127.0.0.1 port ${upstream.port}; }; };`;
    });
  }, 60_000);

  afterAll(async () => {
    await named?.remove();
    await upstream?.remove();
    await listener?.stop();
    await sockDir?.remove();
  });

  it('detects dnstap in the installed named', async () => {
    expect(await detectDnstapSupport(bindBinaries().named)).toEqual({ supported: true });
  });

  it('turns client queries into facts with answers, rcodes, latency and node', async () => {
    expect((await dig(named.port, 'www.example.test')).status).toBe('NOERROR');
    expect((await dig(named.port, 'missing.example.test')).status).toBe('NXDOMAIN');
    expect((await dig(named.port, 'bad.example.test')).status).toBe('NXDOMAIN');
    expect(await digTcp(named.port, 'alias.example.test')).toContain('status: NOERROR');

    const www = await waitFor('www facts', () =>
      queries.find((q) => q.qname === 'www.example.test'),
    );
    expect(www).toMatchObject({
      rcode: 'NOERROR',
      qtype: 'A',
      qclass: 'IN',
      answerCount: 2,
      transport: 'udp',
      clientIp: '127.0.0.1',
      server: '127.0.0.1',
      node: 'node-a',
      source: 'dnstap',
      blocked: false,
      rpzAction: null,
    });
    expect(www.answer).toMatch(/^A 192\.0\.2\.1[01], A 192\.0\.2\.1[01]$/);
    expect(www.responseFlags).toContain('qr aa');
    expect(www.flags).toMatch(/^\+E\(0\)/);
    expect(www.latencyMs).toEqual(expect.any(Number));
    expect(www.latencyMs).toBeGreaterThanOrEqual(0);
    expect(www.responseSize).toBeGreaterThan(40);
    expect(www.clientPort).toBeGreaterThan(0);

    const missing = await waitFor('missing facts', () =>
      queries.find((q) => q.qname === 'missing.example.test'),
    );
    expect(missing).toMatchObject({ rcode: 'NXDOMAIN', answerCount: 0, blocked: false });

    const bad = await waitFor('rpz facts', () =>
      queries.find((q) => q.qname === 'bad.example.test'),
    );
    expect(bad).toMatchObject({ rcode: 'NXDOMAIN', blocked: true, rpzAction: 'NXDOMAIN' });

    const tcp = await waitFor('tcp facts', () =>
      queries.find((q) => q.qname === 'alias.example.test'),
    );
    expect(tcp).toMatchObject({ transport: 'tcp', rcode: 'NOERROR', answerCount: 3 });
    expect(tcp.answer).toMatch(/^CNAME www\.example\.test, A 192\.0\.2\.1/);
    expect(tcp.flags).toContain('T');
    expect(listener.counters()).toMatchObject({ malformed: 0, connections: 1 });
    expect(listener.counters().paired).toBeGreaterThanOrEqual(4);
  }, 30_000);

  it('reports the forwarder exchange of a forwarded query', async () => {
    expect((await dig(named.port, 'svc.fwd.test')).status).toBe('NOERROR');
    const fwd = await waitFor('upstream facts', () =>
      upstreams.find((u) => u.qname === 'svc.fwd.test' && u.rcode !== null),
    );
    expect(fwd).toMatchObject({
      address: '127.0.0.1',
      port: upstream.port,
      qtype: 'A',
      rcode: 'NOERROR',
      node: 'node-a',
    });
    expect(fwd.latencyMs).toBeGreaterThanOrEqual(0);
    const client = await waitFor('forwarded client facts', () =>
      queries.find((q) => q.qname === 'svc.fwd.test'),
    );
    expect(client).toMatchObject({ rcode: 'NOERROR', answer: 'A 198.51.100.7' });
  }, 30_000);

  it('answers STOP with FINISH when named shuts down', async () => {
    await named.stop();
    await waitFor('STOP', () => (listener.counters().stops >= 1 ? true : undefined));
    await waitFor('session end', () => (listener.counters().open === 0 ? true : undefined));
    expect(listener.counters().protocolErrors).toBe(0);
  }, 30_000);
});
