import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { waitFor } from '@hdns/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindBinaries, freePort, tempDir } from './bind-helpers.js';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';

/**
 * Secondary zones end to end: a second, plain named is the primary of `sec.test` (transfers
 * with a TSIG key only, NOTIFY to our named's port); our server gets the key through
 * POST /api/tsig-keys and a secondary zone pulling from it. Our named must answer the
 * primary's data with `aa`, follow a change at the primary, and get nothing with a wrong key.
 */

const ZONE = 'sec.test';
let h: DnsHarness;
let primary: { port: number; dir: string; proc: ChildProcess; stop: () => Promise<void> };
const secret = randomBytes(32).toString('base64');

function zoneText(serial: number, www: string): string {
  return `$TTL 300\n@ IN SOA ns1 hostmaster ${serial} 60 60 3600 60\n@ IN NS ns1\nns1 IN A 192.0.2.1\nwww IN A ${www}\n`;
}

/** `dig +norec`: status, flags and the answer's RDATA. */
function dig(
  port: number,
  name: string,
  type = 'A',
): Promise<{ status: string; flags: string[]; answers: string[] }> {
  return new Promise((resolve) => {
    execFile(
      'dig',
      [
        '@127.0.0.1',
        '-p',
        String(port),
        name,
        type,
        '+norec',
        '+noall',
        '+comments',
        '+answer',
        '+time=1',
        '+tries=1',
      ],
      { timeout: 10_000 },
      (_err, stdout) => {
        resolve({
          status: /status: ([A-Z]+)/.exec(stdout)?.[1] ?? 'NONE',
          flags: (/flags: ([a-z ]+);/.exec(stdout)?.[1] ?? '').split(' '),
          answers: stdout
            .split('\n')
            .filter((l) => l && !l.startsWith(';'))
            .map((l) => l.split(/\s+/).slice(4).join(' ')),
        });
      },
    );
  });
}

async function startPrimary(notifyPort: number): Promise<typeof primary> {
  const { named } = bindBinaries();
  const { dir, remove } = await tempDir('hdns-secondary-primary-');
  const port = await freePort();
  await writeFile(path.join(dir, 'zone.db'), zoneText(1, '192.0.2.10'));
  await writeFile(
    path.join(dir, 'named.conf'),
    `key "xfr-key" { algorithm hmac-sha256; secret "${secret}"; };
controls { };
options {
  directory "${dir}"; pid-file "${dir}/named.pid"; session-keyfile "${dir}/session.key";
  listen-on port ${port} { 127.0.0.1; }; listen-on-v6 { none; };
  recursion no; dnssec-validation no;
  notify explicit; also-notify { 127.0.0.1 port ${notifyPort}; };
  allow-transfer { key "xfr-key"; };
};
zone "${ZONE}" { type primary; file "${dir}/zone.db"; };
zone "other.test" { type primary; file "${dir}/zone.db"; };
`,
  );
  const proc = spawn(named, ['-g', '-c', path.join(dir, 'named.conf')], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null) proc.kill('SIGTERM');
    await exited;
    await remove();
  };
  await waitFor(async () => (await dig(port, ZONE, 'SOA')).status === 'NOERROR', 10_000);
  return { port, dir, proc, stop };
}

beforeAll(async () => {
  h = await startDnsHarness(['zone_created', 'zone_transfer'], { HDNS_MONITORS: 'true' });
  primary = await startPrimary(h.dnsPort);
}, 60_000);

afterAll(async () => {
  await primary?.stop();
  await h?.close();
});

describe('secondary zones', () => {
  it('serves the primary with aa, follows its changes, and refuses record writes', async () => {
    const key = await h.api('/api/tsig-keys', {
      method: 'POST',
      body: { name: 'xfr-key', algorithm: 'hmac-sha256', secret },
    });
    expect(key.status).toBe(201);
    const keyId = (key.body as { id: string }).id;

    const unknown = await h.api('/api/zones', {
      method: 'POST',
      body: {
        name: ZONE,
        type: 'secondary',
        primaries: [`127.0.0.1#${primary.port}`],
        tsigKeyId: 'nope',
      },
    });
    expect(unknown.status).toBe(400);
    expect((unknown.body as { code: string }).code).toBe('TSIG_KEY_UNKNOWN');

    const created = await h.api('/api/zones', {
      method: 'POST',
      body: {
        name: ZONE,
        type: 'secondary',
        primaries: [`127.0.0.1#${primary.port}`],
        tsigKeyId: keyId,
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: 'secondary',
      tsigKeyId: keyId,
      primaries: [`127.0.0.1#${primary.port}`],
    });

    await waitFor(
      async () => (await dig(h.dnsPort, `www.${ZONE}`)).answers.includes('192.0.2.10'),
      15_000,
    );
    const answer = await dig(h.dnsPort, `www.${ZONE}`);
    expect(answer.flags).toContain('aa');

    // A change at the primary: new serial, reload (SIGHUP), NOTIFY to our named.
    await writeFile(path.join(primary.dir, 'zone.db'), zoneText(2, '192.0.2.11'));
    primary.proc.kill('SIGHUP');
    await waitFor(
      async () => (await dig(h.dnsPort, `www.${ZONE}`)).answers.includes('192.0.2.11'),
      15_000,
    );
    // The serial named serves (from the primary), as the zone page shows it.
    const sync = await h.api(`/api/zones/${ZONE}/sync`);
    expect(sync.body).toMatchObject({ zone: ZONE, dbSerial: null, servedSerial: 2 });

    const write = await h.api(`/api/zones/${ZONE}/records`, {
      method: 'POST',
      body: { name: 'x', type: 'A', value: '192.0.2.99' },
    });
    expect(write.status).toBe(409);
    expect((write.body as { code: string }).code).toBe('ZONE_READ_ONLY');
  }, 60_000);

  it('gets nothing with a key the primary does not know, and the zone once the key is right', async () => {
    const other = await h.api('/api/tsig-keys', { method: 'POST', body: { name: 'wrong-key' } });
    expect(other.status).toBe(201);
    const created = await h.api('/api/zones', {
      method: 'POST',
      body: {
        name: 'other.test',
        type: 'secondary',
        primaries: [`127.0.0.1#${primary.port}`],
        tsigKeyId: (other.body as { id: string }).id,
      },
    });
    expect(created.status).toBe(201);
    // named tries the transfer as it loads the new zone: the primary refuses the key, named
    // logs it, and the zone stays unloaded.
    const failed = await h.waitEvent(
      'zone_transfer',
      (d) => d.zone === 'other.test' && d.direction === 'in' && d.success === false,
      20_000,
    );
    expect(String((failed.data as { message?: string }).message)).toMatch(
      /tsig|TSIG|refused|REFUSED/,
    );
    expect((await dig(h.dnsPort, 'www.other.test')).status).toBe('SERVFAIL');

    const keys = (await h.api('/api/tsig-keys')).body as { keys: { id: string; name: string }[] };
    const right = keys.keys.find((k) => k.name === 'xfr-key');
    const patched = await h.api('/api/zones/other.test', {
      method: 'PATCH',
      body: { version: (created.body as { version: number }).version, tsigKeyId: right?.id },
    });
    expect(patched.status).toBe(200);
    await waitFor(async () => (await dig(h.dnsPort, 'www.other.test')).answers.length > 0, 15_000);
    expect((await dig(h.dnsPort, 'www.other.test')).flags).toContain('aa');
  }, 60_000);
});
