import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { zoneDnssecSchema, zoneSchema } from '@hdns/protocol/rest';
import { sleep } from '@hdns/testkit';
import { freeBindPorts, tempDir } from './bind-helpers.js';
import { createZoneWithWww, startTestServer, type TestServer } from './helpers.js';

/**
 * A signed zone across a restart of the server (and its managed named): the start-up rewrite of
 * every zone file keeps what named wrote for the signed zone (`.signed`, journals) and its keys,
 * so it is served signed with the same key (same DS at the parent); leftovers of unsigned or
 * removed zones (a stray `.signed`, a key directory) are deleted.
 */

const run = promisify(execFile);
const SIGNED = 'keep-signed.test';
const PLAIN = 'plain.test';
const dirs: { remove: () => Promise<void> }[] = [];
let srv: TestServer | undefined;

afterAll(async () => {
  await srv?.close();
  for (const d of dirs) await d.remove();
});

async function rrsigServed(port: number, name: string): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { stdout } = await run('dig', [
      '@127.0.0.1',
      '-p',
      String(port),
      '+dnssec',
      '+norec',
      '+noall',
      '+answer',
      '+time=2',
      '+tries=1',
      name,
      'A',
    ]);
    if (/\sRRSIG\s+A\s/.test(stdout)) return true;
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}

describe('signed zone across a restart', () => {
  it('keeps keys and signed files, removes leftovers of unsigned and removed zones', async () => {
    const tmp = await tempDir('hdns-dnssec-restart-');
    dirs.push(tmp);
    const ports = await freeBindPorts();
    const env = {
      HDNS_BIND_MODE: 'managed',
      HDNS_BIND_DNS_PORT: String(ports.dns),
      HDNS_BIND_RNDC_PORT: String(ports.rndc),
      HDNS_BIND_STATS_PORT: String(ports.stats),
    };
    srv = await startTestServer({ dataDir: tmp.dir, env });
    let token = (await srv.login()).accessToken;
    const api = (p: string, init: Parameters<TestServer['api']>[1] = {}) =>
      srv!.api(p, { token, ...init });
    await createZoneWithWww(api, PLAIN);
    // Signed from its creation on.
    const created = await api('/api/zones', {
      method: 'POST',
      body: { name: SIGNED, dnssecPolicy: 'default' },
    });
    expect(created.status).toBe(201);
    expect(zoneSchema.parse(created.body).dnssecPolicy).toBe('default');
    const www = await api(`/api/zones/${SIGNED}/records`, {
      method: 'POST',
      body: { name: 'www', type: 'A', value: '192.0.2.1' },
    });
    expect(www.status).toBe(201);
    expect(await rrsigServed(ports.dns, `www.${SIGNED}`)).toBe(true);
    // A change after signing: named now also keeps the unsigned side's journal.
    const rec = await api(`/api/zones/${SIGNED}/records`, {
      method: 'POST',
      body: { name: 'mail', type: 'A', value: '192.0.2.25' },
    });
    expect(rec.status).toBe(201);
    const before = zoneDnssecSchema.parse((await api(`/api/zones/${SIGNED}/dnssec`)).body);
    expect(before.ds).toHaveLength(1);
    const layout = srv.app.bind.managed!.layout;
    const signedFiles = (await readdir(layout.zonesDir)).filter((n) =>
      n.startsWith(`db.${SIGNED}.`),
    );
    expect(signedFiles).toEqual(
      expect.arrayContaining([`db.${SIGNED}.signed`, `db.${SIGNED}.signed.jnl`]),
    );
    await srv.close();
    srv = undefined;

    // Leftovers a previous life could have left: named's files of a zone now unsigned, and the
    // key directory of a zone that no longer exists.
    await writeFile(path.join(layout.zonesDir, `db.${PLAIN}.signed`), 'stale');
    await writeFile(path.join(layout.zonesDir, `db.${PLAIN}.jnl`), 'stale');
    await mkdir(path.join(layout.dir, 'keys', 'gone.test'), { recursive: true });

    srv = await startTestServer({ dataDir: tmp.dir, env });
    token = (await srv.login()).accessToken;
    expect(await rrsigServed(ports.dns, `mail.${SIGNED}`)).toBe(true);
    const after = zoneDnssecSchema.parse((await api(`/api/zones/${SIGNED}/dnssec`)).body);
    expect(after.ds.map((d) => d.text)).toEqual(before.ds.map((d) => d.text));
    const files = await readdir(layout.zonesDir);
    // The signed copy survives (named may drop the unsigned side's journal itself when the zone
    // file is newer than it: "journal file is out of date").
    for (const f of signedFiles.filter((n) => n.includes('.signed'))) expect(files).toContain(f);
    expect(files.filter((n) => n.startsWith(`db.${PLAIN}`))).toEqual([`db.${PLAIN}`]);
    expect(await readdir(path.join(layout.dir, 'keys'))).toEqual([SIGNED]);
  });
});
