import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventFrame } from '@hdns/protocol';
import type { QueryPage } from '@hdns/protocol/rest';
import { waitFor } from '@hdns/testkit';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';

/**
 * The server's own probes of its named are not user traffic: with a real named (dnstap joined
 * with the text log) and the replication watcher asking named for the zone's SOA every second,
 * only the user's own SOA query shows in the live stream and the store; the probes are counted
 * in /metrics (hdns_dns_own_probe_queries_total).
 */

const run = promisify(execFile);
const ZONE = 'own.test';
let h: DnsHarness;

async function dig(name: string, type: string): Promise<void> {
  await run('dig', ['@127.0.0.1', '-p', String(h.dnsPort), '+time=2', '+tries=1', name, type]);
}

type QueryEvent = Record<string, unknown> & { qname: string; qtype: string };
const answers = (qname: string, qtype: string): QueryEvent[] =>
  h
    .eventsOf('dns_query_log')
    .map((e: EventFrame) => e.data as QueryEvent)
    .filter((d) => d.qname === qname && d.qtype === qtype && d.rcode !== undefined);

async function ownProbeCount(): Promise<number> {
  const text = await (await fetch(`${h.server.url}/metrics`)).text();
  return Number(/^hdns_dns_own_probe_queries_total (\d+)/m.exec(text)?.[1] ?? 0);
}

beforeAll(async () => {
  h = await startDnsHarness(['query', 'dns'], {
    HDNS_MONITORS: 'true',
    HDNS_SECONDARY_CHECK_SECONDS: '1',
    HDNS_QUERY_LIVE_HOLD_MS: '0',
  });
  expect((await h.api('/api/zones', { method: 'POST', body: { name: ZONE } })).status).toBe(201);
  // dnstap connects at named's start; a first answered query proves the whole path.
  for (let i = 0; i < 30; i++) {
    await dig(`warmup.${ZONE}`, 'TXT');
    const done = await h.ws
      .waitFor(() => answers(`warmup.${ZONE}`, 'TXT')[0], 2000)
      .catch(() => undefined);
    if (done) break;
  }
}, 90_000);

afterAll(async () => {
  await h?.close();
});

describe("the server's own probes of its named", () => {
  it('are left out of the live stream and the store, and counted in /metrics', async () => {
    // The watcher has read the served serial: its SOA probes reach named.
    await h.waitEvent('zone_sync', (d) => d.zone === ZONE && d.servedSerial !== null, 20_000);
    await dig(ZONE, 'SOA');
    await h.ws.waitFor(() => answers(ZONE, 'SOA')[0], 15_000);
    // A later query answered: every probe frame sent before it has been read too.
    await dig(`marker.${ZONE}`, 'A');
    await h.ws.waitFor(() => answers(`marker.${ZONE}`, 'A')[0], 15_000);
    expect(answers(ZONE, 'SOA')).toHaveLength(1);
    expect(await ownProbeCount()).toBeGreaterThan(0);
    const page = await waitFor(async () => {
      const body = (await h.api(`/api/queries?name=${ZONE}&nameMatch=exact&qtype=SOA`))
        .body as QueryPage;
      return body.items.length > 0 ? body : undefined;
    }, 15_000);
    expect(page.items).toHaveLength(1);
  });
});
