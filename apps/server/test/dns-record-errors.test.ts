import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig } from './bind-helpers.js';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';

/**
 * Bad MX, SRV, CAA and TXT data over REST: a 4xx with a stable code and a message naming the
 * field, the database unchanged, and named still serving the old serial.
 */

let h: DnsHarness;
const q = (name: string, type = 'A') => dig(h.dnsPort, name, type);

interface ErrorBody {
  code: string;
  message: string;
  details?: { issues?: { path: string; message: string }[]; reason?: string };
}

async function servedSerial(): Promise<number> {
  const soa = await q('rec.test', 'SOA');
  return Number(soa.answers[0]?.split(' ')[2]);
}

async function recordCount(): Promise<number> {
  return ((await h.api('/api/zones/rec.test/records')).body as { records: unknown[] }).records
    .length;
}

/** Posts a record that must be refused; returns the error body after checking nothing changed. */
async function refused(body: Record<string, unknown>, status = 400): Promise<ErrorBody> {
  const serial = await servedSerial();
  const count = await recordCount();
  const res = await h.api('/api/zones/rec.test/records', { method: 'POST', body });
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(await servedSerial()).toBe(serial);
  expect(((await h.api('/api/zones/rec.test')).body as { serial: number }).serial).toBe(serial);
  expect(await recordCount()).toBe(count);
  return res.body as ErrorBody;
}

/** The validation issue for one field (`/priority`), which must name the field in its message. */
function issueAt(body: ErrorBody, path: string): string {
  expect(body.code).toBe('VALIDATION_ERROR');
  const issue = body.details?.issues?.find((i) => i.path === path);
  expect(issue, JSON.stringify(body)).toBeDefined();
  return issue?.message ?? '';
}

beforeAll(async () => {
  h = await startDnsHarness(['dns']);
  expect((await h.api('/api/zones', { method: 'POST', body: { name: 'rec.test' } })).status).toBe(
    201,
  );
  const mx = await h.api('/api/zones/rec.test/records', {
    method: 'POST',
    body: { name: '@', type: 'MX', value: 'mail.rec.test.', priority: 10 },
  });
  expect(mx.status).toBe(201);
  await h.api('/api/zones/rec.test/records', {
    method: 'POST',
    body: { name: 'mail', type: 'A', value: '192.0.2.25' },
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('REST refuses bad record data by field', () => {
  it('MX without a preference, or with an IP address as exchange', async () => {
    const noPref = await refused({ name: 'm1', type: 'MX', value: 'mail.rec.test.' });
    expect(issueAt(noPref, '/priority')).toMatch(/priority/i);
    const badPref = await refused({
      name: 'm1',
      type: 'MX',
      value: 'mail.rec.test.',
      priority: 70000,
    });
    expect(issueAt(badPref, '/priority')).toMatch(/priority/i);
    for (const ip of ['192.0.2.25', '192.0.2.25.', '2001:db8::25']) {
      const asIp = await refused({ name: 'm2', type: 'MX', value: ip, priority: 10 });
      expect(issueAt(asIp, '/value')).toMatch(/MX.*not an IP address/);
    }
    expect(await q('rec.test', 'MX')).toMatchObject({ answers: ['10 mail.rec.test.'] });
  });

  it('SRV missing its port, weight or target, or pointing at an address', async () => {
    const srv = { name: '_sip._tcp', type: 'SRV', value: 'sip.rec.test.', priority: 1, weight: 5 };
    expect(issueAt(await refused(srv), '/port')).toMatch(/port/i);
    expect(issueAt(await refused({ ...srv, port: -1 }), '/port')).toMatch(/port/i);
    const { weight: _w, ...noWeight } = srv;
    expect(issueAt(await refused({ ...noWeight, port: 5060 }), '/weight')).toMatch(/weight/i);
    const asIp = await refused({ ...srv, port: 5060, value: '192.0.2.7' });
    expect(issueAt(asIp, '/value')).toMatch(/SRV.*not an IP address/);
    expect((await q('_sip._tcp.rec.test', 'SRV')).status).toBe('NXDOMAIN');
  });

  it('CAA with an unknown tag, bad flags, or a value longer than 255 bytes', async () => {
    const caa = { name: '@', type: 'CAA', value: 'letsencrypt.org' };
    expect(issueAt(await refused({ ...caa, tag: 'issuer' }), '/tag')).toMatch(/tag/i);
    expect(issueAt(await refused({ ...caa, tag: 'issue', flags: 256 }), '/flags')).toMatch(
      /flags/i,
    );
    expect(issueAt(await refused({ ...caa, value: 'a"b' }), '/value')).toMatch(/quote/);
    // 200 characters pass the length check, but as UTF-8 they are 400 bytes: only the zone
    // serializer can count that, and it names the field too.
    const long = await refused({ ...caa, value: 'é'.repeat(200) });
    expect(long).toMatchObject({ code: 'INVALID_RECORD' });
    expect(long.message).toMatch(/CAA value.*255 bytes/);
    expect((await q('rec.test', 'CAA')).answers).toEqual([]);
  });

  it('TXT: control characters and over-long text refused; a 600-byte text is split into 255-byte strings', async () => {
    const bad = await refused({ name: 't', type: 'TXT', value: 'line1\nline2' });
    expect(issueAt(bad, '/value')).toMatch(/TXT.*control characters/);
    const huge = await refused({ name: 't', type: 'TXT', value: 'x'.repeat(4001) });
    expect(issueAt(huge, '/value')).toMatch(/TXT.*4000/);
    expect(issueAt(await refused({ name: 't', type: 'TXT', value: '' }), '/value')).toMatch(/TXT/);

    const before = await servedSerial();
    const text = `${'a'.repeat(255)}${'b'.repeat(255)}"quoted" ${'c'.repeat(80)}`;
    const ok = await h.api('/api/zones/rec.test/records', {
      method: 'POST',
      body: { name: 't', type: 'TXT', value: text },
    });
    expect(ok.status).toBe(201);
    expect(await servedSerial()).toBeGreaterThan(before);
    const served = await q('t.rec.test', 'TXT');
    const strings = [...(served.answers[0] ?? '').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) =>
      (m[1] ?? '').replace(/\\(.)/g, '$1'),
    );
    expect(strings.map((s) => s.length)).toEqual([255, 255, text.length - 510]);
    expect(strings.join('')).toBe(text);
  });

  it('a bad update is refused the same way and leaves the record as it was', async () => {
    const records = (await h.api('/api/zones/rec.test/records')).body as {
      records: { id: string; type: string; version: number }[];
    };
    const mx = records.records.find((r) => r.type === 'MX');
    const serial = await servedSerial();
    const res = await h.api(`/api/zones/rec.test/records/${mx?.id ?? ''}`, {
      method: 'PUT',
      body: { name: '@', type: 'MX', value: '192.0.2.25', priority: 10, version: mx?.version },
    });
    expect(res.status).toBe(400);
    expect(issueAt(res.body as ErrorBody, '/value')).toMatch(/not an IP address/);
    expect(await servedSerial()).toBe(serial);
    expect((await q('rec.test', 'MX')).answers).toEqual(['10 mail.rec.test.']);
  });
});
