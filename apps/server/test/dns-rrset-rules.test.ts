import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';

/**
 * RFC 2181 §5 against a real named: an RRset holds each record once and has one TTL. What the
 * database stores is what named serves: a duplicate or a second TTL in an RRset is refused with
 * 400 INVALID_RECORD naming the record in the way (REST, JSON import and zone-file import alike),
 * and editing the TTL of one record of an RRset sets it on the whole RRset, with an event for
 * every record changed.
 */

let h: DnsHarness;
const ZONE = 'rrs.test';
const RECORDS = `/api/zones/${ZONE}/records`;

interface StoredRecord {
  id: string;
  name: string;
  type: string;
  ttl: number | null;
  value: string;
  version: number;
}

interface ErrorBody {
  code: string;
  message: string;
  details?: { conflict?: string; existing?: { id: string; ttl: number; value: string } };
}

/** The answer's `ttl value` pairs for NAME TYPE, as named serves them, sorted. */
function served(name: string, type = 'A'): Promise<string[]> {
  const args = ['@127.0.0.1', '-p', String(h.dnsPort), name, type, '+noall', '+answer'];
  args.push('+time=1', '+tries=2');
  return new Promise((resolve, reject) => {
    execFile('dig', args, { timeout: 10_000 }, (error, stdout) => {
      if (error) {
        reject(new Error(`dig failed: ${error.message}`));
        return;
      }
      const lines = stdout.split('\n').filter((l) => l && !l.startsWith(';'));
      const pairs = lines.map((l) => l.split(/\s+/)).map((f) => `${f[1]} ${f.slice(4).join(' ')}`);
      resolve(pairs.sort());
    });
  });
}

async function stored(name: string, type = 'A'): Promise<StoredRecord[]> {
  const body = (await h.api(RECORDS)).body as { records: StoredRecord[] };
  return body.records
    .filter((r) => r.name.toLowerCase() === name && r.type === type)
    .sort((a, b) => a.value.localeCompare(b.value));
}

/** `ttl value` of the stored RRset, with the zone default (3600) for records without a TTL. */
async function storedRrset(name: string, type = 'A'): Promise<string[]> {
  return (await stored(name, type)).map((r) => `${r.ttl ?? 3600} ${r.value}`).sort();
}

async function serial(): Promise<number> {
  return ((await h.api(`/api/zones/${ZONE}`)).body as { serial: number }).serial;
}

async function add(body: Record<string, unknown>): Promise<StoredRecord> {
  const res = await h.api(RECORDS, { method: 'POST', body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as StoredRecord;
}

/** A write that must be refused with INVALID_RECORD, changing nothing (serial, records). */
async function refused(
  path: string,
  method: 'POST' | 'PUT' | 'PATCH',
  body: Record<string, unknown>,
): Promise<ErrorBody> {
  const before = { serial: await serial(), records: (await h.api(RECORDS)).body };
  const res = await h.api(path, { method, body });
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect((res.body as ErrorBody).code).toBe('INVALID_RECORD');
  expect(await serial()).toBe(before.serial);
  expect((await h.api(RECORDS)).body).toEqual(before.records);
  return res.body as ErrorBody;
}

async function runJob(path: string, body: Record<string, unknown>) {
  const started = await h.api(path, { method: 'POST', body });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const jobId = (started.body as { id: string }).id;
  const done = await h.waitEvent('bulk_operation_complete', (d) => d.jobId === jobId, 60_000);
  return done.data as {
    status: string;
    succeeded: number;
    failed: number;
    errors: { line: number; message: string }[];
  };
}

beforeAll(async () => {
  h = await startDnsHarness(['dns', 'bulk']);
  const zone = await h.api('/api/zones', { method: 'POST', body: { name: ZONE } });
  expect(zone.status).toBe(201);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('the QA case: www A 192.0.2.10 TTL 300 twice, then one edited to .11 TTL 600', () => {
  let first: StoredRecord;

  it('refuses the second identical record, naming the first', async () => {
    first = await add({ name: 'www', type: 'A', ttl: 300, value: '192.0.2.10' });
    const again = await refused(RECORDS, 'POST', {
      name: 'www',
      type: 'A',
      ttl: 300,
      value: '192.0.2.10',
    });
    expect(again.message).toContain('www.rrs.test A 192.0.2.10 already exists');
    expect(again.message).toContain(first.id);
    expect(again.details).toMatchObject({
      conflict: 'duplicate_record',
      existing: { id: first.id, ttl: 300, value: '192.0.2.10' },
    });
    // The same record written otherwise: absolute, upper case, another TTL.
    const absolute = await refused(RECORDS, 'POST', {
      name: 'WWW.rrs.test.',
      type: 'A',
      ttl: 60,
      value: '192.0.2.10',
    });
    expect(absolute.details?.conflict).toBe('duplicate_record');
    expect(await storedRrset('www')).toEqual(['300 192.0.2.10']);
    expect(await served('www.rrs.test')).toEqual(['300 192.0.2.10']);
  });

  it("refuses a record joining www A with another TTL, saying the RRset's", async () => {
    const mixed = await refused(RECORDS, 'POST', {
      name: 'www',
      type: 'A',
      ttl: 600,
      value: '192.0.2.11',
    });
    expect(mixed.message).toMatch(/the other records of www\.rrs\.test A have TTL 300/);
    expect(mixed.message).toMatch(/an RRset has one TTL/);
    expect(mixed.details).toMatchObject({ conflict: 'rrset_ttl', existing: { id: first.id } });
  });

  it('an edit of one record to .11 TTL 600 sets TTL 600 on the whole RRset, with its events', async () => {
    const second = await add({ name: 'www', type: 'A', ttl: 300, value: '192.0.2.12' });
    const res = await h.api(`${RECORDS}/${second.id}`, {
      method: 'PUT',
      body: { name: 'www', type: 'A', ttl: 600, value: '192.0.2.11', version: second.version },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // What the table shows is what named serves: one TTL.
    expect(await storedRrset('www')).toEqual(['600 192.0.2.10', '600 192.0.2.11']);
    expect(await served('www.rrs.test')).toEqual(['600 192.0.2.10', '600 192.0.2.11']);
    const sib = (await stored('www')).find((r) => r.id === first.id);
    expect(sib).toMatchObject({ ttl: 600, version: first.version + 1 });
    // Each record changed has its record_updated, before and after, with the same serial.
    const edited = await h.waitEvent('record_updated', (d) => d.recordId === second.id);
    const retimed = await h.waitEvent('record_updated', (d) => d.recordId === first.id);
    expect(edited.data).toMatchObject({
      before: { ttl: 300, value: '192.0.2.12' },
      after: { ttl: 600, value: '192.0.2.11' },
    });
    expect(retimed.data).toMatchObject({
      before: { ttl: 300, value: '192.0.2.10', version: first.version },
      after: { ttl: 600, value: '192.0.2.10', version: first.version + 1 },
    });
    expect((retimed.data as { serial: number }).serial).toBe(
      (edited.data as { serial: number }).serial,
    );
  });

  it('refuses an edit making a record identical to another, or moving it to an RRset with another TTL', async () => {
    const [a, b] = await stored('www');
    if (!a || !b) throw new Error('www A has two records');
    const dup = await refused(`${RECORDS}/${b.id}`, 'PUT', {
      name: 'www',
      type: 'A',
      ttl: 600,
      value: a.value,
      version: b.version,
    });
    expect(dup.details).toMatchObject({ conflict: 'duplicate_record', existing: { id: a.id } });
    await add({ name: 'web', type: 'A', ttl: 120, value: '192.0.2.20' });
    const moved = await refused(`${RECORDS}/${b.id}`, 'PUT', {
      name: 'web',
      type: 'A',
      ttl: 600,
      value: b.value,
      version: b.version,
    });
    expect(moved.message).toMatch(/the other records of web\.rrs\.test A have TTL 120/);
    expect(await storedRrset('web')).toEqual(['120 192.0.2.20']);
  });
});

describe("a record without a TTL counts as the zone's default TTL (3600)", () => {
  it('allows an explicit 3600 beside it, refuses another TTL and a default TTL splitting it', async () => {
    await add({ name: 'api', type: 'A', value: '192.0.2.1' });
    await add({ name: 'api', type: 'A', ttl: 3600, value: '192.0.2.2' });
    const mixed = await refused(RECORDS, 'POST', {
      name: 'api',
      type: 'A',
      ttl: 60,
      value: '192.0.2.3',
    });
    expect(mixed.message).toMatch(/have TTL 3600 \(the zone's default\)/);
    const zone = (await h.api(`/api/zones/${ZONE}`)).body as { version: number };
    const split = await refused(`/api/zones/${ZONE}`, 'PATCH', {
      version: zone.version,
      defaultTtl: 600,
    });
    expect(split.message).toMatch(/api\.rrs\.test A two TTLs/);
    expect(((await h.api(`/api/zones/${ZONE}`)).body as { defaultTtl: number }).defaultTtl).toBe(
      3600,
    );
    expect(await served('api.rrs.test')).toEqual(['3600 192.0.2.1', '3600 192.0.2.2']);
  });
});

describe('imports cannot store what named does not serve', () => {
  it('JSON import: duplicates and a second TTL are per-line errors; the first line wins', async () => {
    const rows = [
      { name: 'bulk', type: 'A', ttl: 300, value: '192.0.2.30' }, // 1 ok
      { name: 'bulk', type: 'A', ttl: 300, value: '192.0.2.31' }, // 2 ok
      { name: 'BULK', type: 'A', ttl: 300, value: '192.0.2.30' }, // 3 duplicate of line 1
      { name: 'bulk', type: 'A', ttl: 900, value: '192.0.2.32' }, // 4 second TTL
      { name: 'www', type: 'A', ttl: 600, value: '192.0.2.10' }, // 5 duplicate of a record
      { name: 'www', type: 'A', value: '192.0.2.13' }, // 6 default TTL beside 600
      { name: 'www', type: 'A', ttl: 600, value: '192.0.2.13' }, // 7 ok
    ];
    const job = await runJob(`${RECORDS}/import`, { format: 'json', data: rows });
    expect(job).toMatchObject({ status: 'partial', succeeded: 3, failed: 4 });
    expect(job.errors.map((e) => e.line)).toEqual([3, 4, 5, 6]);
    const byLine = new Map(job.errors.map((e) => [e.line, e.message]));
    expect(byLine.get(3)).toMatch(/bulk\.rrs\.test A 192\.0\.2\.30 already exists/);
    expect(byLine.get(4)).toMatch(/have TTL 300/);
    expect(byLine.get(5)).toMatch(/www\.rrs\.test A 192\.0\.2\.10 already exists/);
    expect(byLine.get(6)).toMatch(/have TTL 600/);
    expect(await storedRrset('bulk')).toEqual(['300 192.0.2.30', '300 192.0.2.31']);
    expect(await served('bulk.rrs.test')).toEqual(['300 192.0.2.30', '300 192.0.2.31']);
    expect(await served('www.rrs.test')).toEqual(await storedRrset('www'));
  });

  it('zone-file import: records clashing with the zone are per-line errors', async () => {
    const text = [
      `$ORIGIN ${ZONE}.`,
      '$TTL 3600',
      '@ IN SOA ns.example.net. hostmaster.example.net. 1 3600 900 1209600 300',
      '@ IN NS ns.example.net.', // 4: ok
      'www 600 IN A 192.0.2.11', // 5: duplicate of a record
      'web 60 IN A 192.0.2.21', // 6: web A has TTL 120
      'file 120 IN A 192.0.2.40', // 7: ok
      '',
    ].join('\n');
    const job = await runJob(`/api/zones/${ZONE}/import/zonefile`, { text, createZone: false });
    expect(job).toMatchObject({ status: 'partial', succeeded: 2, failed: 2 });
    const byLine = new Map(job.errors.map((e) => [e.line, e.message]));
    expect([...byLine.keys()]).toEqual([5, 6]);
    expect(byLine.get(5)).toMatch(/www\.rrs\.test A 192\.0\.2\.11 already exists/);
    expect(byLine.get(6)).toMatch(/have TTL 120/);
    expect(await storedRrset('web')).toEqual(['120 192.0.2.20']);
    expect(await served('web.rrs.test')).toEqual(['120 192.0.2.20']);
    expect(await served('file.rrs.test')).toEqual(['120 192.0.2.40']);
  });

  it("zone-file import: BIND's reader merges duplicate lines and gives an RRset its first TTL", async () => {
    const text = [
      '$ORIGIN zf.test.',
      '$TTL 3600',
      '@ IN SOA ns.example.net. hostmaster.example.net. 1 3600 900 1209600 300',
      '@ IN NS ns.example.net.',
      'www 300 IN A 192.0.2.50',
      'www 600 IN A 192.0.2.51',
      'www 300 IN A 192.0.2.50',
      '',
    ].join('\n');
    const job = await runJob('/api/zones/zf.test/import/zonefile', { text, createZone: true });
    expect(job).toMatchObject({ status: 'succeeded', succeeded: 3, failed: 0 });
    const records = (await h.api('/api/zones/zf.test/records')).body as { records: StoredRecord[] };
    const www = records.records.filter((r) => r.name === 'www');
    expect(www.map((r) => `${r.ttl ?? 3600} ${r.value}`).sort()).toEqual([
      '300 192.0.2.50',
      '300 192.0.2.51',
    ]);
    expect(await served('www.zf.test')).toEqual(['300 192.0.2.50', '300 192.0.2.51']);
  });
});
