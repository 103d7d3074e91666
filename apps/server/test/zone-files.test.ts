import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig } from './bind-helpers.js';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';
import { startNamedPrimary, type NamedPrimary } from './named-primary.js';

/**
 * Zone files in and out against real named processes: a BIND zone file import (every supported
 * type, $ORIGIN/$TTL/relative names/multi-line SOA/long TXT), a bad file refused whole with its
 * line numbers, AXFR from a second real named with a TSIG key (and a wrong key refused with its
 * stable code), exports as BIND and JSON, and the round trip export → delete → import that must
 * leave every answer dig gets identical.
 */

let h: DnsHarness;
let primary: NamedPrimary;

interface JobOutcome {
  status: string;
  total: number;
  succeeded: number;
  failed: number;
  errors: { line: number; message: string }[];
}

const LONG = 'v=DKIM1; k=rsa; p=' + 'A'.repeat(300);

/** Every supported type, written the way people write zone files. */
function zoneFileOf(zone: string): string {
  return `$ORIGIN ${zone}.
$TTL 3600
@   IN  SOA ns1 hostmaster (
        2024010101 ; serial (ignored: the server owns it)
        7200       ; refresh
        1800       ; retry
        1209600    ; expire
        600 )      ; minimum
    IN  NS  ns1
    IN  NS  ns2.example.net.
ns1 IN  A   192.0.2.53
www 300 IN A 192.0.2.10
www IN  AAAA 2001:db8::10
web IN  CNAME www
@   IN  MX  10 mail
mail IN A   192.0.2.25
_sip._tcp IN SRV 10 60 5060 sip.${zone}.
sip IN A 192.0.2.60
@   IN  TXT "v=spf1 mx -all"
dkim._domainkey IN TXT ( "${LONG.slice(0, 200)}"
        "${LONG.slice(200)}" )
quote IN TXT "say \\"hi\\""
@   IN  CAA 0 issue "letsencrypt.org"
10  IN  PTR host.example.net.
*.dev IN A 192.0.2.99
`;
}

/** The names and types of zoneFileOf() to ask dig about. */
function questions(zone: string): [string, string][] {
  return [
    [zone, 'SOA'],
    [zone, 'NS'],
    [`ns1.${zone}`, 'A'],
    [`www.${zone}`, 'A'],
    [`www.${zone}`, 'AAAA'],
    [`web.${zone}`, 'CNAME'],
    [zone, 'MX'],
    [`mail.${zone}`, 'A'],
    [`_sip._tcp.${zone}`, 'SRV'],
    [`sip.${zone}`, 'A'],
    [zone, 'TXT'],
    [`dkim._domainkey.${zone}`, 'TXT'],
    [`quote.${zone}`, 'TXT'],
    [zone, 'CAA'],
    [`10.${zone}`, 'PTR'],
    [`x.dev.${zone}`, 'A'],
  ];
}

async function answersOf(zone: string): Promise<string[]> {
  const out: string[] = [];
  for (const [name, type] of questions(zone)) {
    const a = await dig(h.dnsPort, name, type);
    // The SOA serial is the server's own, and moves with every change.
    const answers = a.answers.map((x) =>
      type === 'SOA' ? x.replace(/^(\S+ \S+) \d+ /, '$1 SERIAL ') : x,
    );
    out.push(`${name} ${type} ${a.status} ${answers.sort().join(' | ')}`);
  }
  return out;
}

async function waitJob(jobId: string): Promise<JobOutcome> {
  const done = await h.waitEvent('bulk_operation_complete', (d) => d.jobId === jobId, 60_000);
  return done.data as unknown as JobOutcome;
}

async function importFile(zone: string, text: string, createZone: boolean) {
  return h.api(`/api/zones/${zone}/import/zonefile`, {
    method: 'POST',
    body: { text, createZone },
  });
}

beforeAll(async () => {
  h = await startDnsHarness(['bulk']);
  primary = await startNamedPrimary('src.test', zoneFileOf('src.test'));
}, 90_000);

afterAll(async () => {
  await primary?.stop();
  await h?.close();
});

describe('import from a BIND zone file', () => {
  it('creates a zone from a file with every supported type and serves it', async () => {
    const started = await importFile('file.test', zoneFileOf('file.test'), true);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const job = await waitJob((started.body as { id: string }).id);
    expect(job.errors).toEqual([]);
    expect(job.status).toBe('succeeded');
    expect(job.succeeded).toBe(16);

    const zone = await h.api('/api/zones/file.test');
    expect(zone.body).toMatchObject({
      defaultTtl: 3600,
      soa: { mname: 'ns1.file.test.', rname: 'hostmaster.file.test.', refresh: 7200, retry: 1800 },
    });
    expect((await dig(h.dnsPort, 'www.file.test', 'A')).answers).toEqual(['192.0.2.10']);
    expect((await dig(h.dnsPort, 'file.test', 'MX')).answers).toEqual(['10 mail.file.test.']);
    expect((await dig(h.dnsPort, '_sip._tcp.file.test', 'SRV')).answers).toEqual([
      '10 60 5060 sip.file.test.',
    ]);
    expect((await dig(h.dnsPort, 'file.test', 'CAA')).answers).toEqual([
      '0 issue "letsencrypt.org"',
    ]);
    expect((await dig(h.dnsPort, 'anything.dev.file.test', 'A')).answers).toEqual(['192.0.2.99']);
    const records = (await h.api('/api/zones/file.test/records')).body as {
      records: { name: string; type: string; value: string; ttl: number | null }[];
    };
    const dkim = records.records.find((r) => r.name === 'dkim._domainkey');
    expect(dkim?.value).toBe(LONG);
    expect(records.records.find((r) => r.name === 'quote')?.value).toBe('say "hi"');
    // The file's own TTL where it differs from $TTL; the zone's default elsewhere.
    expect(records.records.find((r) => r.name === 'www' && r.type === 'A')?.ttl).toBe(300);
    expect(records.records.find((r) => r.name === 'mail')?.ttl).toBeNull();
  });

  it('refuses a file BIND cannot read with its line numbers and stores nothing', async () => {
    const bad = `$ORIGIN bad.test.
$TTL 300
@ IN SOA ns1 hostmaster 1 3600 900 1209600 300
@ IN NS ns1
ns1 IN A 192.0.2.1
good IN A 192.0.2.2
broken IN A 192.0.2.300
mx IN MX mail.bad.test.
`;
    const res = await importFile('bad.test', bad, true);
    expect(res.status).toBe(422);
    const body = res.body as { code: string; details: { errors: { line: number }[] } };
    expect(body.code).toBe('ZONE_FILE_INVALID');
    expect(body.details.errors.map((e) => e.line)).toEqual([7, 8]);
    expect((await h.api('/api/zones/bad.test')).status).toBe(404);

    // Into an existing zone: refused the same way, its records untouched.
    const before = (await h.api('/api/zones/file.test/records')).body as { records: unknown[] };
    const again = await importFile('file.test', bad.replaceAll('bad.test', 'file.test'), false);
    expect(again.status).toBe(422);
    const after = (await h.api('/api/zones/file.test/records')).body as { records: unknown[] };
    expect(after.records.length).toBe(before.records.length);

    // A zone BIND would not load: its zone-level finding, without a line.
    const noNs = await importFile(
      'nons.test',
      '$ORIGIN nons.test.\n@ 300 IN SOA ns1 hostmaster 1 3600 900 1209600 300\na 300 IN A 192.0.2.1\n',
      true,
    );
    expect(noNs.status).toBe(422);
    expect((noNs.body as { details: { errors: unknown[] } }).details.errors).toEqual([
      { line: 0, message: 'has no NS records' },
    ]);

    const include = await importFile('inc.test', '$INCLUDE /etc/passwd\n', true);
    expect(include.status).toBe(422);
    expect((include.body as { details: { errors: { line: number }[] } }).details.errors).toEqual([
      { line: 1, message: '$INCLUDE is not allowed in an imported zone file' },
    ]);
  });

  it('reports records of unsupported types per record and imports the rest', async () => {
    const text = `$ORIGIN mixed.test.
$TTL 300
@ IN SOA ns1 hostmaster 1 3600 900 1209600 300
@ IN NS ns1
ns1 IN A 192.0.2.1
ssh IN SSHFP 1 1 123456789abcdef67890123456789abcdef67890
loc IN HINFO "PC" "Linux"
`;
    const started = await importFile('mixed.test', text, true);
    expect(started.status).toBe(202);
    const job = await waitJob((started.body as { id: string }).id);
    expect(job.status).toBe('partial');
    expect(job.succeeded).toBe(2);
    expect(job.failed).toBe(2);
    // The lines of the file sent, found again behind BIND's normalized records.
    expect(job.errors.map((e) => e.line)).toEqual([6, 7]);
    const messages = job.errors.map((e) => e.message).join('\n');
    expect(messages).toMatch(/ssh\.mixed\.test\. 300 IN SSHFP .*type SSHFP is not supported/);
    expect(messages).toMatch(/loc\.mixed\.test\. 300 IN HINFO .*type HINFO is not supported/);
  });
});

describe('import by AXFR', () => {
  /**
   * The API keeps a TXT as one text and splits it at 255 bytes (zone-file-records.ts), so a
   * source that split it elsewhere serves the same text in other pieces: compared joined.
   */
  const joined = (lines: string[]): string[] =>
    lines.map((l) => (/ TXT /.test(l) ? l.replaceAll('" "', '') : l));

  it('transfers a zone from another named with its TSIG key', async () => {
    const started = await h.api('/api/zones/src.test/import/axfr', {
      method: 'POST',
      body: { server: '127.0.0.1', port: primary.port, tsig: primary.key, createZone: true },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const job = await waitJob((started.body as { id: string }).id);
    expect(job.errors).toEqual([]);
    expect(job.status).toBe('succeeded');
    expect(joined(await answersOf('src.test'))).toEqual(
      joined(
        await Promise.all(
          questions('src.test').map(async ([name, type]) => {
            const a = await dig(primary.port, name, type);
            const answers = a.answers.map((x) =>
              type === 'SOA' ? x.replace(/^(\S+ \S+) \d+ /, '$1 SERIAL ') : x,
            );
            return `${name} ${type} ${a.status} ${answers.sort().join(' | ')}`;
          }),
        ),
      ),
    );
  });

  it('transfers a zone into one of another name, its names rewritten', async () => {
    const started = await h.api('/api/zones/copy.test/import/axfr', {
      method: 'POST',
      body: {
        server: '127.0.0.1',
        port: primary.port,
        zone: 'src.test',
        tsig: primary.key,
        createZone: true,
      },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const job = await waitJob((started.body as { id: string }).id);
    expect(job.status).toBe('succeeded');
    expect((await dig(h.dnsPort, 'copy.test', 'MX')).answers).toEqual(['10 mail.copy.test.']);
    expect((await dig(h.dnsPort, '_sip._tcp.copy.test', 'SRV')).answers).toEqual([
      '10 60 5060 sip.copy.test.',
    ]);
    expect((await dig(h.dnsPort, 'copy.test', 'NS')).answers.sort()).toEqual([
      'ns1.copy.test.',
      'ns2.example.net.',
    ]);
  });

  it('fails with ZONE_TRANSFER_FAILED for a wrong key or none, never echoing the secret', async () => {
    const wrong = { ...primary.key, secret: Buffer.alloc(32, 7).toString('base64') };
    const bad = await h.api('/api/zones/other.test/import/axfr', {
      method: 'POST',
      body: {
        server: '127.0.0.1',
        port: primary.port,
        zone: 'src.test',
        tsig: wrong,
        createZone: true,
      },
    });
    expect(bad.status).toBe(502);
    expect((bad.body as { code: string }).code).toBe('ZONE_TRANSFER_FAILED');
    expect(JSON.stringify(bad.body)).not.toContain(wrong.secret);
    const none = await h.api('/api/zones/other.test/import/axfr', {
      method: 'POST',
      body: { server: '127.0.0.1', port: primary.port, zone: 'src.test', createZone: true },
    });
    expect(none.status).toBe(502);
    expect((none.body as { code: string }).code).toBe('ZONE_TRANSFER_FAILED');
    expect((await h.api('/api/zones/other.test')).status).toBe(404);
  });
});

describe('rights', () => {
  it('lets whoever may read a zone export it, and only writers import', async () => {
    const users = [
      { username: 'zf-viewer', password: 'viewer-password-1', role: 'viewer' },
      { username: 'zf-op', password: 'operator-password-1', role: 'operator', zones: ['src.test'] },
    ];
    for (const body of users) expect((await h.api('/api/users', { body })).status).toBe(201);
    const viewer = (await h.server.login('zf-viewer', 'viewer-password-1')).accessToken;
    const op = (await h.server.login('zf-op', 'operator-password-1')).accessToken;
    const as = (token: string, path: string, body?: unknown) =>
      h.server.api(path, { token, ...(body !== undefined ? { body } : {}) });

    expect((await as(viewer, '/api/zones/file.test/export?format=bind')).status).toBe(200);
    expect((await as(viewer, '/api/zones/file.test/export?format=json')).status).toBe(200);
    const text = zoneFileOf('file.test');
    expect((await as(viewer, '/api/zones/file.test/import/zonefile', { text })).status).toBe(403);
    // An operator sees and writes only the zones granted; the others do not exist for it.
    expect((await as(op, '/api/zones/src.test/export')).status).toBe(200);
    expect((await as(op, '/api/zones/file.test/export')).status).toBe(404);
    expect((await as(op, '/api/zones/file.test/import/zonefile', { text })).status).toBe(404);
  });
});

describe('export', () => {
  it('exports JSON matching the REST zone and records', async () => {
    const res = await h.api('/api/zones/file.test/export?format=json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="file.test.json"');
    const zone = await h.api('/api/zones/file.test');
    const records = await h.api('/api/zones/file.test/records');
    expect(res.body).toEqual({
      zone: zone.body,
      records: (records.body as { records: unknown[] }).records,
    });
  });

  it('round-trips: API records → BIND export → delete → import → identical dig answers', async () => {
    const zone = 'rt.test';
    expect((await importFile(zone, zoneFileOf(zone), true)).status).toBe(202);
    await h.waitEvent('bulk_operation_complete', (d) => d.zone === zone, 60_000);
    // Records of every type added through the record API as well.
    const extra = [
      { name: 'api-a', type: 'A', value: '198.51.100.1', ttl: 60 },
      { name: 'api-aaaa', type: 'AAAA', value: '2001:db8::99' },
      { name: 'api-cname', type: 'CNAME', value: 'www.rt.test.' },
      // At the apex: a delegation would send dig's recursive query out to the internet.
      { name: '@', type: 'NS', value: 'ns3.example.net.' },
      { name: '20', type: 'PTR', value: 'p.example.net.' },
      { name: 'api-mx', type: 'MX', value: 'mail.rt.test.', priority: 5 },
      { name: 'api-txt', type: 'TXT', value: 'tab\there "q" \\ back ' + 'x'.repeat(400) },
      { name: '_ldap._tcp', type: 'SRV', value: '.', priority: 0, weight: 0, port: 0 },
      { name: 'api-caa', type: 'CAA', value: 'mailto:sec@rt.test', tag: 'iodef', flags: 128 },
    ];
    for (const body of extra) {
      const r = await h.api(`/api/zones/${zone}/records`, { method: 'POST', body });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const extraQuestions: [string, string][] = extra.map((r) => [
      r.name === '@' ? zone : `${r.name}.${zone}`,
      r.type,
    ]);
    const ask = async (): Promise<string[]> => {
      const out = await answersOf(zone);
      for (const [name, type] of extraQuestions) {
        const a = await dig(h.dnsPort, name, type);
        out.push(`${name} ${type} ${a.status} ${a.answers.sort().join(' | ')}`);
      }
      return out;
    };
    const before = await ask();
    expect(
      before.every((l) => / NOERROR \S/.test(l)),
      before.join('\n'),
    ).toBe(true);

    const exported = await h.api(`/api/zones/${zone}/export?format=bind`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="rt.test.zone"');
    const text = exported.body as string;
    expect(text).toMatch(/^\$ORIGIN rt\.test\.$/m);

    const current = (await h.api(`/api/zones/${zone}`)).body as { version: number };
    const del = await h.api(`/api/zones/${zone}?version=${current.version}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await h.api(`/api/zones/${zone}`)).status).toBe(404);

    const started = await importFile(zone, text, true);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const job = await waitJob((started.body as { id: string }).id);
    expect(job.errors).toEqual([]);
    expect(job.status).toBe('succeeded');
    expect(await ask()).toEqual(before);
  });
});
