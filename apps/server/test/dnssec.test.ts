import { execFile } from 'node:child_process';
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zoneDnssecSchema, zoneSchema, type ZoneDnssec } from '@hdns/protocol/rest';
import { sleep } from '@hdns/testkit';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';
import { createZoneWithWww } from './helpers.js';
import type { DnssecKeyChange } from '../src/monitors/dnssec-monitor.js';
import { dnssecMonitorFor } from '../src/monitors/dnssec-watch.js';

/**
 * DNSSEC signing through the API against a real named: `dig +dnssec` shows RRSIGs, `delv` with
 * the zone's own DNSKEY as a static trust anchor validates answers (also after a change, whose
 * re-sign time is printed), the DS the API gives matches `dnssec-dsfromkey` on the served
 * DNSKEY, and turning signing off serves unsigned answers and drops named's signing files.
 */

const run = promisify(execFile);
const ZONE = 'signed.test';
let h: DnsHarness;

beforeAll(async () => {
  h = await startDnsHarness(['dns']);
  await createZoneWithWww(h.api, ZONE);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

async function digDnssec(name: string, type = 'A'): Promise<string[]> {
  const { stdout } = await run('dig', [
    '@127.0.0.1',
    '-p',
    String(h.dnsPort),
    '+dnssec',
    '+norec',
    '+time=2',
    '+tries=1',
    '+noall',
    '+answer',
    name,
    type,
  ]);
  return stdout.split('\n').filter((l) => l && !l.startsWith(';'));
}

/** Polls until `check` returns a value (signing is asynchronous in named), or gives up. */
async function until<T>(check: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

async function zoneVersion(): Promise<number> {
  const res = await h.api(`/api/zones/${ZONE}`);
  return zoneSchema.parse(res.body).version;
}

async function dnssecView(): Promise<ZoneDnssec> {
  const res = await h.api(`/api/zones/${ZONE}/dnssec`);
  expect(res.status).toBe(200);
  return zoneDnssecSchema.parse(res.body);
}

async function delv(anchorFile: string, name: string): Promise<string> {
  const r = await run(
    'delv',
    ['@127.0.0.1', '-p', String(h.dnsPort), '-a', anchorFile, `+root=${ZONE}`, name, 'A'],
    { timeout: 10_000 },
  ).catch((err: { stdout?: string; stderr?: string }) => ({
    stdout: err.stdout ?? '',
    stderr: err.stderr ?? '',
  }));
  return `${r.stdout}${r.stderr}`;
}

let anchor = '';

describe('DNSSEC signing of a zone', () => {
  it('signs the zone when the API sets a policy: RRSIGs, keys 0600, key states and DS', async () => {
    const res = await h.api(`/api/zones/${ZONE}`, {
      method: 'PATCH',
      body: { version: await zoneVersion(), dnssecPolicy: 'default' },
    });
    expect(res.status).toBe(200);
    expect(zoneSchema.parse(res.body).dnssecPolicy).toBe('default');

    const lines = await until(async () => {
      const l = await digDnssec(`www.${ZONE}`);
      return l.some((x) => /\sRRSIG\s+A\s/.test(x)) ? l : null;
    });
    expect(lines.some((x) => /\sA\s+192\.0\.2\.1$/.test(x))).toBe(true);

    const dir = resolveKeyDir();
    const files = await readdir(dir);
    const privates = files.filter((f) => f.endsWith('.private'));
    expect(privates).toHaveLength(1);
    expect((await stat(path.join(dir, privates[0]!))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);

    const view = await dnssecView();
    expect(view.policy).toBe('default');
    expect(view.keys).toHaveLength(1);
    const [key] = view.keys;
    expect(key!.role).toBe('csk');
    expect(key!.algorithmNumber).toBe(13);
    expect(key!.published).toBe(true);
    expect(key!.states.goal).toBe('omnipresent');
    expect(view.ds).toHaveLength(1);
    expect(view.ds[0]!.keyTag).toBe(key!.tag);
    expect(view.ds[0]!.digestType).toBe(2);
    expect(view.ds[0]!.digest).toMatch(/^[0-9A-F]{64}$/);
    expect(view.dnskey).toHaveLength(1);
    expect(view.signedSerial).not.toBeNull();
    const zone = zoneSchema.parse((await h.api(`/api/zones/${ZONE}`)).body);
    expect(view.signedSerial).not.toBe(zone.serial);

    // The zone_updated event carries the policy in before/after.
    const ev = await h.waitEvent('zone_updated', (d) => d.zone === ZONE);
    const data = ev.data as {
      before: { dnssecPolicy?: unknown };
      after: { dnssecPolicy?: unknown };
    };
    expect(data.before.dnssecPolicy).toBeNull();
    expect(data.after.dnssecPolicy).toBe('default');
  });

  it('the DS matches dnssec-dsfromkey on the DNSKEY named serves', async () => {
    const view = await dnssecView();
    const { stdout: dnskeys } = await run('dig', [
      '@127.0.0.1',
      '-p',
      String(h.dnsPort),
      '+norec',
      '+noall',
      '+answer',
      ZONE,
      'DNSKEY',
    ]);
    const file = path.join(h.server.dataDir, 'dnskey.txt');
    await writeFile(file, dnskeys);
    const { stdout } = await run('dnssec-dsfromkey', ['-2', '-f', file, ZONE]);
    expect(stdout.trim().replace(/\s+/g, ' ')).toBe(view.ds[0]!.text);
  });

  it('delv validates an answer with the zone DNSKEY as trust anchor', async () => {
    const view = await dnssecView();
    // "signed.test. 3600 IN DNSKEY 257 3 13 <base64…>": the anchor takes what follows DNSKEY.
    const fields = view.dnskey[0]!.split(' ');
    const at = fields.indexOf('DNSKEY');
    expect(at).toBeGreaterThan(0);
    const [f, p, a, ...b64] = fields.slice(at + 1);
    anchor = path.join(h.server.dataDir, 'anchor.conf');
    await writeFile(
      anchor,
      `trust-anchors { ${ZONE}. static-key ${f} ${p} ${a} "${b64.join('')}"; };\n`,
    );
    const out = await delv(anchor, `www.${ZONE}`);
    expect(out).toContain('; fully validated');
    expect(out).toMatch(/www\.signed\.test\.\s+\d+\s+IN\s+A\s+192\.0\.2\.1/);
  });

  it('re-signs a record change: the new value is served with an RRSIG and validates', async () => {
    const started = Date.now();
    const res = await h.api(`/api/zones/${ZONE}/records`, {
      method: 'POST',
      body: { name: 'new', type: 'A', value: '192.0.2.99' },
    });
    expect(res.status).toBe(201);
    const applied = Date.now();
    const lines = await until(async () => {
      const l = await digDnssec(`new.${ZONE}`);
      return l.some((x) => /\sRRSIG\s+A\s/.test(x)) && l.some((x) => /192\.0\.2\.99$/.test(x))
        ? l
        : null;
    });
    const signed = Date.now();
    expect(lines.length).toBeGreaterThanOrEqual(2);
    console.log(
      `DNSSEC re-sign: API answered in ${applied - started} ms, signed answer served ` +
        `${signed - started} ms after the request`,
    );
    const out = await delv(anchor, `new.${ZONE}`);
    expect(out).toContain('; fully validated');
    expect(out).toContain('192.0.2.99');
  });

  it('a rollover started with rndc is published as dnssec_key_change events', async () => {
    const monitor = dnssecMonitorFor(h.server.app);
    if (!monitor) throw new Error('no BIND');
    expect(await monitor.check()).toEqual([]); // the baseline
    const [old] = (await dnssecView()).keys;
    const managed = h.server.app.bind.managed;
    if (!managed) throw new Error('not managed');
    await managed.tools.rndc(['dnssec', '-rollover', '-key', String(old!.tag), ZONE]);
    const seen: DnssecKeyChange[] = [];
    await until(async () => {
      seen.push(...(await monitor.check()));
      return seen.some((c) => c.change === 'key_added') ? true : null;
    });
    const added = seen.find((c) => c.change === 'key_added')!;
    expect(added).toMatchObject({ zone: ZONE, policy: 'default', role: 'csk' });
    expect(added.keyTag).not.toBe(old!.tag);
    const ev = await h.waitEvent(
      'dnssec_key_change',
      (d) => d.change === 'key_added' && d.keyTag === added.keyTag,
    );
    expect(ev.data).toMatchObject({ zone: ZONE, role: 'csk' });
    // The view lists both keys now; the old one is on its way out.
    const tags = (await dnssecView()).keys.map((k) => k.tag);
    expect(tags).toEqual(expect.arrayContaining([old!.tag, added.keyTag]));
  });

  it('a reload named refuses for a signed zone fails its confirmation (unsigned serial)', async () => {
    const managed = h.server.app.bind.managed;
    if (!managed) throw new Error('not managed');
    const zone = zoneSchema.parse((await h.api(`/api/zones/${ZONE}`)).body);
    const status = await managed.tools.zoneStatus(ZONE);
    expect(status?.serial).toBe(zone.serial);
    expect(status?.signedSerial).not.toBe(zone.serial);
    // An older serial with other data: BIND takes that for a plain zone, but refuses it for an
    // inline-signed one ("ixfr-from-differences: new serial out of range").
    const older = zone.serial! - 1;
    const err = await managed.writer
      .putZone(
        { name: ZONE, type: 'primary', defaultTtl: 3600, serial: older, dnssecPolicy: 'default' },
        [{ name: 'www', type: 'A', value: '192.0.2.77' }],
        { restore: true },
      )
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toMatchObject({
      code: 'BIND_RELOAD_FAILED',
      details: { expectedSerial: older, loadedSerial: zone.serial },
    });
    const lines = await digDnssec(`www.${ZONE}`);
    expect(lines.some((x) => /\sA\s+192\.0\.2\.1$/.test(x))).toBe(true);
    // The next API change has a newer serial again and goes through.
    const rec = await h.api(`/api/zones/${ZONE}/records`, {
      method: 'POST',
      body: { name: 'after', type: 'A', value: '192.0.2.98' },
    });
    expect(rec.status).toBe(201);
  });

  it('turning signing off serves unsigned answers and removes keys and signed files', async () => {
    const res = await h.api(`/api/zones/${ZONE}`, {
      method: 'PATCH',
      body: { version: await zoneVersion(), dnssecPolicy: null },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const lines = await digDnssec(`www.${ZONE}`);
    expect(lines.some((x) => /\sA\s+192\.0\.2\.1$/.test(x))).toBe(true);
    expect(lines.some((x) => /\sRRSIG\s/.test(x))).toBe(false);
    const view = await dnssecView();
    expect(view).toEqual({
      zone: ZONE,
      policy: null,
      signedSerial: null,
      keys: [],
      ds: [],
      dnskey: [],
    });
    const zonesDir = path.dirname(zoneFile());
    const left = (await readdir(zonesDir)).filter((n) => n.startsWith(`db.${ZONE}`));
    expect(left).toEqual([`db.${ZONE}`]);
    await expect(stat(resolveKeyDir())).rejects.toThrow(/ENOENT/);
  });

  it('a zone signed again, then deleted, leaves no key or signed file behind', async () => {
    const on = await h.api(`/api/zones/${ZONE}`, {
      method: 'PATCH',
      body: { version: await zoneVersion(), dnssecPolicy: 'default' },
    });
    expect(on.status).toBe(200);
    await until(async () => {
      const l = await digDnssec(`www.${ZONE}`);
      return l.some((x) => /\sRRSIG\s+A\s/.test(x)) ? l : null;
    });
    const zonesDir = path.dirname(zoneFile());
    expect((await readdir(zonesDir)).filter((n) => n.startsWith(`db.${ZONE}.`))).not.toEqual([]);
    const del = await h.api(`/api/zones/${ZONE}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await readdir(zonesDir)).filter((n) => n.startsWith(`db.${ZONE}`))).toEqual([]);
    await expect(stat(resolveKeyDir())).rejects.toThrow(/ENOENT/);
  });
});

/** The managed layout's paths (the harness's server runs managed mode). */
function zoneFile(): string {
  const managed = h.server.app.bind.managed;
  if (!managed) throw new Error('not managed');
  return managed.layout.zoneFile(ZONE);
}
function resolveKeyDir(): string {
  const managed = h.server.app.bind.managed;
  if (!managed) throw new Error('not managed');
  return path.join(managed.layout.dir, 'keys', ZONE);
}
