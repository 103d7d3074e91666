import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventFrame } from '@hdns/protocol';
import type { QueryPage, QueryStoreStatus } from '@hdns/protocol/rest';
import { waitFor } from '@hdns/testkit';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';

/**
 * The query facts end to end from a real named: dnstap on the server's socket (chosen because
 * Debian's named -V shows --enable-dnstap), joined with the text query log, published live as
 * dns_query_log with rcode, answer, size, latency and transport, counted in query_stats and
 * kept in the query store. HDNS_QUERY_LIVE_HOLD_MS=0: every query is published from the log at
 * once (partial) and completed under the same id when its dnstap facts arrive (~1 s later on
 * this quiet server), which is the quiet-server path the design exists for.
 */

const run = promisify(execFile);
let h: DnsHarness;

async function dig(name: string, type = 'A', extra: string[] = []): Promise<void> {
  await run('dig', [
    '@127.0.0.1',
    '-p',
    String(h.dnsPort),
    '+time=2',
    '+tries=1',
    ...extra,
    name,
    type,
  ]);
}

type QueryEvent = Record<string, unknown> & { qname: string };
const queryEvents = (qname: string): QueryEvent[] =>
  h
    .eventsOf('dns_query_log')
    .map((e: EventFrame) => e.data as QueryEvent)
    .filter((d) => d.qname === qname);

/** The event carrying the answer facts for `qname` (complete, or the completion of a partial). */
function answered(qname: string, timeoutMs = 15_000): Promise<QueryEvent> {
  return h.ws.waitFor<QueryEvent>(
    () => queryEvents(qname).find((d) => d.rcode !== undefined),
    timeoutMs,
  );
}

beforeAll(async () => {
  h = await startDnsHarness(['query', 'system', 'security'], {
    HDNS_MONITORS: 'true',
    // Low thresholds, so one burst of dig shows the detectors on real answers.
    HDNS_DETECT_NXDOMAIN_PER_MIN: '25',
    HDNS_DETECT_RANDOM_SUBDOMAINS_PER_MIN: '20',
    HDNS_BIND_STATUS_INTERVAL: '1',
    HDNS_QUERY_LIVE_HOLD_MS: '0',
    HDNS_DNSTAP_IDENTITY: 'node-test',
  });
  expect((await h.api('/api/zones', { method: 'POST', body: { name: 'tap.test' } })).status).toBe(
    201,
  );
  for (const [name, value] of [
    ['www', '192.0.2.10'],
    ['www', '192.0.2.11'],
    ['blocked', '192.0.2.66'],
  ] as const) {
    const rec = await h.api('/api/zones/tap.test/records', {
      method: 'POST',
      body: { name, type: 'A', value },
    });
    expect(rec.status).toBe(201);
  }
  const rule = await h.api('/api/rpz/rules', {
    method: 'POST',
    body: { domain: 'blocked.tap.test', action: 'nxdomain' },
  });
  expect(rule.status).toBe(201);
  // named connects to the dnstap socket at start (the listener is up before it); a first query
  // proves the whole path before the assertions.
  for (let i = 0; i < 30; i++) {
    await dig('www.tap.test', 'TXT');
    const done = await h.ws
      .waitFor(() => queryEvents('www.tap.test').find((d) => d.qtype === 'TXT' && d.rcode), 2000)
      .catch(() => undefined);
    if (done) break;
  }
}, 90_000);

afterAll(async () => {
  await h?.close();
});

describe('query facts from dnstap', () => {
  it('bind_status says dnstap is the source, and why', async () => {
    const status = await h.waitEvent('bind_status', (d) => d.querySource !== undefined, 15_000);
    expect(status.data).toMatchObject({
      querySource: 'dnstap',
      querySourceReason: 'named -V shows --enable-dnstap',
    });
  });

  it('publishes a partial event from the log, then its answer facts under the same id', async () => {
    await dig('www.tap.test');
    const full = await h.ws.waitFor<QueryEvent>(
      () => queryEvents('www.tap.test').find((d) => d.qtype === 'A' && d.rcode !== undefined),
      15_000,
    );
    expect(full).toMatchObject({
      source: 'dnstap',
      rcode: 'NOERROR',
      transport: 'udp',
      qtype: 'A',
      qclass: 'IN',
      answerCount: 2,
      node: 'node-test',
      blocked: false,
    });
    expect(full.answer).toContain('A 192.0.2.10');
    expect(full.answer).toContain('A 192.0.2.11');
    expect(full.responseFlags).toContain('aa');
    expect(typeof full.latencyMs).toBe('number');
    expect(full.responseSize).toBeGreaterThan(40);
    const all = queryEvents('www.tap.test').filter((d) => d.qtype === 'A');
    const partial = all.find((d) => d.partial === true);
    expect(partial, JSON.stringify(all)).toBeDefined();
    expect(partial?.id).toBe(full.id);
    expect(all.indexOf(partial!)).toBeLessThan(all.indexOf(full));
    expect(partial?.rcode).toBeUndefined();
  });

  it('tells NXDOMAIN, TCP and an RPZ rewrite apart', async () => {
    await dig('missing.tap.test');
    expect(await answered('missing.tap.test')).toMatchObject({ rcode: 'NXDOMAIN', answerCount: 0 });
    await dig('tcp.tap.test', 'AAAA', ['+tcp']);
    expect(await answered('tcp.tap.test')).toMatchObject({ transport: 'tcp', qtype: 'AAAA' });
    await dig('blocked.tap.test');
    expect(await answered('blocked.tap.test')).toMatchObject({
      rcode: 'NXDOMAIN',
      blocked: true,
      rpzAction: 'NXDOMAIN',
    });
  });

  it('counts rcodes and latency in query_stats', async () => {
    // A third NOERROR answer beside the warm-up's and www's (the replication watcher's SOA
    // probes of named are the server's own and not counted).
    await dig('www.tap.test', 'AAAA');
    const stats = await h.waitEvent(
      'query_stats',
      (d) =>
        d.windowSec === 60 &&
        typeof d.latencyMs === 'object' &&
        ((d.rcodes as Record<string, number> | undefined)?.NXDOMAIN ?? 0) >= 2 &&
        ((d.rcodes as Record<string, number> | undefined)?.NOERROR ?? 0) >= 3,
      15_000,
    );
    const data = stats.data as { latencyMs: { count: number; p99: number }; rcodes: object };
    expect(data.latencyMs.count).toBeGreaterThanOrEqual(3);
    expect(data.rcodes).toHaveProperty('NOERROR');
  });

  it('keeps every answered query in the store, searchable by name and rcode', async () => {
    const page = await waitFor(async () => {
      const res = await h.api('/api/queries?name=tap.test&rcode=NXDOMAIN');
      expect(res.status).toBe(200);
      const body = res.body as QueryPage;
      return body.items.length >= 3 ? body : undefined;
    }, 15_000);
    expect(page.items.map((q) => q.qname).sort()).toEqual([
      'blocked.tap.test',
      'missing.tap.test',
      'tcp.tap.test',
    ]);
    const blocked = page.items.find((q) => q.qname === 'blocked.tap.test');
    expect(blocked).toMatchObject({ blocked: true, source: 'dnstap', node: 'node-test' });
    const tcp = (await h.api('/api/queries?transport=tcp')).body as QueryPage;
    expect(tcp.items.map((q) => q.qname)).toContain('tcp.tap.test');
    const www = (await h.api('/api/queries?name=www.tap.test&nameMatch=exact&qtype=A'))
      .body as QueryPage;
    // Published twice (partial, then complete) but stored once.
    expect(www.items).toHaveLength(1);
    const status = (await h.api('/api/queries/store')).body as QueryStoreStatus;
    expect(status).toMatchObject({ source: 'dnstap', backend: 'sqlite' });
    expect(status.rows).toBeGreaterThanOrEqual(5);
  });

  it('detects an NXDOMAIN flood and random subdomains, and counts answers in /metrics', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hdns-flood-'));
    const batch = path.join(dir, 'names');
    await writeFile(
      batch,
      Array.from({ length: 40 }, (_, i) => `r${i}-${i * 7919}.flood.tap.test A\n`).join(''),
    );
    await run('dig', ['@127.0.0.1', '-p', String(h.dnsPort), '+time=2', '+tries=1', '-f', batch]);
    await rm(dir, { recursive: true, force: true });
    const flood = await h.waitEvent(
      'threat_detected',
      (d) => (d.detection as { kind?: string } | undefined)?.kind === 'nxdomain_flood',
      20_000,
    );
    expect(flood.data).toMatchObject({ clientIp: '127.0.0.1', action: 'passthru' });
    const random = await h.waitEvent(
      'threat_detected',
      (d) => (d.detection as { kind?: string } | undefined)?.kind === 'random_subdomain',
      20_000,
    );
    expect(random.data).toMatchObject({ detection: { baseDomain: 'tap.test' } });
    // The flood's facts keep arriving for a moment after the detectors fired.
    const metrics = await waitFor(
      async () => {
        const text = await (await fetch(`${h.server.url}/metrics`)).text();
        const nx =
          /^hdns_dns_responses_total\{rcode="NXDOMAIN",qtype="A",transport="udp"\} (\d+)/m.exec(
            text,
          );
        return Number(nx?.[1]) >= 40 ? text : undefined;
      },
      15_000,
      '40 NXDOMAIN answers counted in /metrics',
      200,
    );
    expect(metrics).toMatch(/^hdns_dns_response_seconds_bucket\{/m);
  });
});
