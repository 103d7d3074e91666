import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secondaryListSchema, secondarySchema, tsigKeySecretSchema } from '@hdns/protocol/rest';
import { dig } from './bind-helpers.js';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';
import { createZoneWithWww } from './helpers.js';
import { startPlainNamed, type PlainNamed } from './plain-named.js';

/**
 * Secondaries through the catalog zone (RFC 9432, BIND 9.18 `catalog-zones`), against real
 * servers: the app with its managed named as primary, and a second named configured ONCE, from
 * what the API hands out (the TSIG key's `config`, the `consumerConfig` lines), as a plain
 * catalog consumer. Every zone then arrives and leaves by itself: created through the API →
 * served by the secondary (time measured); a record change → NOTIFY/IXFR; deleted → gone. The
 * transfers need the key. Stopping the secondary raises the alert (failing, critical), starting
 * it again resolves it.
 */

let h: DnsHarness;
let consumer: PlainNamed;
let secondaryId = '';
/** `-y` argument of dig: the key the API created. */
let digKey = '';

/** Polls `check` every 50 ms until it holds; resolves with the time it took. */
async function within(ms: number, what: string, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return Math.round(performance.now() - started);
    if (performance.now() - started > ms) throw new Error(`${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const servedThere = async (name: string, value: string): Promise<boolean> => {
  const a = await dig(consumer.port, name, 'A').catch(() => null);
  return a?.status === 'NOERROR' && a.answers.includes(value);
};

function axfr(port: number, zone: string, key?: string): Promise<string> {
  const args = ['@127.0.0.1', '-p', String(port), zone, 'AXFR', '+time=2', '+tries=1'];
  if (key) args.push('-y', key);
  return new Promise((resolve) => {
    execFile('dig', args, { timeout: 10_000 }, (_err, stdout) => resolve(stdout));
  });
}

beforeAll(async () => {
  h = await startDnsHarness(['dns', 'health'], {
    HDNS_MONITORS: 'true',
    HDNS_SECONDARY_CHECK_SECONDS: '1',
    HDNS_SECONDARY_LAG_GRACE_SECONDS: '20',
  });
  const created = await h.api('/api/tsig-keys', {
    method: 'POST',
    body: { name: 'catalog-xfr', algorithm: 'hmac-sha256' },
  });
  expect(created.status).toBe(201);
  const key = tsigKeySecretSchema.parse(created.body);
  digKey = `hmac-sha256:${key.name}:${key.secret}`;
  // Registering the secondary before it exists: the consumer's first catalog transfer must
  // already be allowed (allow-transfer with the key).
  const res = await h.api('/api/secondaries', {
    method: 'POST',
    body: { name: 'ns2', address: '127.0.0.1', port: 1, tsigKeyId: key.id, enabled: false },
  });
  expect(res.status).toBe(201);
  secondaryId = secondarySchema.parse(res.body).id;
  const list = secondaryListSchema.parse((await h.api('/api/secondaries')).body);
  expect(list.catalogZone).toBe('catalog.hdns.invalid');
  const snippet = list.consumerConfig ?? '';
  // The two lines a BIND admin pastes, taken verbatim from the API's snippet.
  const catalogZones = /^\s*(catalog-zones .*)$/m.exec(snippet)?.[1];
  const catalogZone = /^(zone "catalog\.hdns\.invalid" .*)$/m.exec(snippet)?.[1];
  expect(catalogZones).toContain(`127.0.0.1 port ${h.dnsPort} key "catalog-xfr"`);
  expect(catalogZone).toBeDefined();
  consumer = await startPlainNamed(
    (dir, port) => `${key.config}
options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  session-keyfile "${dir}/session.key";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  notify no;
  dnssec-validation no;
  ${catalogZones ?? ''}
};
controls { };
${(catalogZone ?? '').replace('file "catalog.hdns.invalid.db"', `file "${dir}/catalog.db"`)}
`,
  );
  const enabled = await h.api(`/api/secondaries/${secondaryId}`, {
    method: 'PATCH',
    body: { version: 1, port: consumer.port, enabled: true },
  });
  expect(enabled.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await h?.close();
  await consumer?.remove();
});

describe('secondaries provisioned by the catalog zone', () => {
  it('a zone created through the API is served by the secondary within a bounded time', async () => {
    const started = performance.now();
    await createZoneWithWww(h.api, 'cat-one.test');
    const ms = await within(15_000, 'cat-one.test on the secondary', () =>
      servedThere('www.cat-one.test', '192.0.2.1'),
    );
    const total = Math.round(performance.now() - started);
    console.log(
      `propagation: zone created → answered by the secondary in ${total} ms (${ms} ms after the API answered)`,
    );
    const soa = await dig(consumer.port, 'cat-one.test', 'SOA');
    expect(soa.status).toBe('NOERROR');
  });

  it('a record change reaches the secondary by NOTIFY and IXFR', async () => {
    const res = await h.api('/api/zones/cat-one.test/records', {
      method: 'POST',
      body: { name: 'mail', type: 'A', value: '192.0.2.25' },
    });
    expect(res.status).toBe(201);
    const ms = await within(15_000, 'mail.cat-one.test on the secondary', () =>
      servedThere('mail.cat-one.test', '192.0.2.25'),
    );
    console.log(`propagation: record change → answered by the secondary in ${ms} ms`);
    const xfer = await h.waitEvent(
      'zone_transfer',
      (d) => d.zone === 'cat-one.test' && d.direction === 'out' && d.success === true,
      15_000,
    );
    expect(xfer.data).toMatchObject({ key: 'catalog-xfr' });
  });

  it('transfers need the key: without it our named refuses, with it the catalog lists the zone', async () => {
    expect(await axfr(h.dnsPort, 'cat-one.test')).toMatch(/Transfer failed/);
    const taken = await h.api('/api/zones', {
      method: 'POST',
      body: { name: 'catalog.hdns.invalid', type: 'primary' },
    });
    expect(taken.status).toBe(400);
    // The rndc key's name is taken in named.conf already.
    const reserved = await h.api('/api/tsig-keys', { method: 'POST', body: { name: 'hdns-key' } });
    expect(reserved.status).toBe(409);
    expect((reserved.body as { code: string }).code).toBe('TSIG_KEY_NAME_TAKEN');
    const listing = await h.api('/api/tsig-keys');
    expect(JSON.stringify(listing.body)).not.toContain('secret');
    // With the key: the zone, and the catalog whose member PTR names it.
    const zone = await axfr(h.dnsPort, 'cat-one.test', digKey);
    expect(zone).toMatch(/^cat-one\.test\.\s+\d+\s+IN\s+SOA\s/m);
    expect(zone).toMatch(/^mail\.cat-one\.test\.\s+\d+\s+IN\s+A\s+192\.0\.2\.25$/m);
    const catalog = await axfr(h.dnsPort, 'catalog.hdns.invalid', digKey);
    expect(catalog).toMatch(/^version\.catalog\.hdns\.invalid\.\s+\d+\s+IN\s+TXT\s+"2"$/m);
    expect(catalog).toMatch(
      /^[0-9a-f]{40}\.zones\.catalog\.hdns\.invalid\.\s+\d+\s+IN\s+PTR\s+cat-one\.test\.$/m,
    );
  });

  it('a deleted zone leaves the secondary by itself', async () => {
    await createZoneWithWww(h.api, 'cat-two.test');
    await within(15_000, 'cat-two.test on the secondary', () =>
      servedThere('www.cat-two.test', '192.0.2.1'),
    );
    expect((await h.api('/api/zones/cat-two.test', { method: 'DELETE' })).status).toBe(204);
    await within(15_000, 'cat-two.test gone from the secondary', async () => {
      const a = await dig(consumer.port, 'www.cat-two.test', 'A').catch(() => null);
      return a?.status === 'REFUSED';
    });
  });

  it('a stopped secondary raises the alert, and starting it again resolves it', async () => {
    await h.waitEvent(
      'secondary_status',
      (d) => d.secondaryId === secondaryId && d.state === 'in_sync',
      20_000,
    );
    await consumer.stop();
    const failing = await h.waitEvent(
      'secondary_status',
      (d) => d.secondaryId === secondaryId && d.state === 'failing',
      30_000,
    );
    expect(failing.data).toMatchObject({ level: 'critical', name: 'ns2' });
    // A zone created while it is down is picked up from the catalog once it is back.
    await createZoneWithWww(h.api, 'cat-three.test');
    await consumer.start();
    const back = await h.waitEvent(
      'secondary_status',
      (d) => d.secondaryId === secondaryId && d.state === 'in_sync' && d.previous !== 'in_sync',
      30_000,
    );
    expect(back.data).toMatchObject({ level: 'info', laggingZones: [] });
    await within(15_000, 'cat-three.test on the restarted secondary', () =>
      servedThere('www.cat-three.test', '192.0.2.1'),
    );
  });
});
