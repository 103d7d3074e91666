import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig } from './bind-helpers.js';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';

/**
 * Bulk imports against a real named: records as JSON, RPZ rules as CSV and as JSON. Each runs as
 * a job whose progress and outcome a WebSocket client sees; bad lines are reported by line and
 * never cost the good ones; what was imported is served (or blocked) by named.
 */

let h: DnsHarness;
const q = (name: string, type = 'A') => dig(h.dnsPort, name, type);

interface JobOutcome {
  status: string;
  total: number;
  succeeded: number;
  failed: number;
  errorCount: number;
  errors: { line: number; message: string }[];
}

/** Starts an import, waits for its bulk_operation_complete and returns it with its progress. */
async function runImport(
  path: string,
  format: 'csv' | 'json',
  data: unknown,
): Promise<{ jobId: string; complete: JobOutcome; percents: number[] }> {
  const started = await h.api(path, { method: 'POST', body: { format, data } });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const jobId = (started.body as { id: string }).id;
  const complete = await h.waitEvent('bulk_operation_complete', (d) => d.jobId === jobId, 60_000);
  const percents = h
    .eventsOf('bulk_operation_progress')
    .filter((e) => (e.data as { jobId: string }).jobId === jobId)
    .map((e) => (e.data as { percent: number }).percent);
  return { jobId, complete: complete.data as unknown as JobOutcome, percents };
}

beforeAll(async () => {
  h = await startDnsHarness(['bulk', 'rpz_update']);
  expect((await h.api('/api/zones', { method: 'POST', body: { name: 'imp.test' } })).status).toBe(
    201,
  );
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('bulk import of records as JSON', () => {
  it('imports a few thousand records, reports every bad line and serves the good ones', async () => {
    const rows: unknown[] = [];
    for (let i = 0; i < 2500; i++) {
      rows.push({ name: `j${i}`, type: 'A', ttl: 120, value: `10.9.${i >> 8}.${i & 255}` });
    }
    rows.push({ name: 'mail', type: 'MX', value: 'mx1.imp.test.', priority: 10 }); // 2501 ok
    rows.push({ name: 'mx1', type: 'A', value: '192.0.2.25' }); // 2502 ok
    rows.push({ name: 'bad-mx', type: 'MX', value: 'mx1.imp.test.' }); // 2503 no priority
    rows.push({ name: 'bad-a', type: 'A', value: '10.0.0.300' }); // 2504 bad address
    rows.push('not an object'); // 2505
    rows.push({ name: 'x', type: 'HINFO', value: 'a b' }); // 2506 unsupported type
    // 2507: valid for the schema, refused by named-checkzone (in-zone NS without an address);
    // the job bisects its chunk to find it.
    rows.push({ name: '@', type: 'NS', value: 'ns9.imp.test.' });
    rows.push({
      name: '_sip._tcp',
      type: 'SRV',
      value: 'sip.imp.test.',
      priority: 1,
      weight: 5,
      port: 5060,
    }); // 2508 ok
    rows.push({ name: 'j2500', type: 'TXT', value: 'kept' }); // 2509 ok

    const { jobId, complete, percents } = await runImport(
      '/api/zones/imp.test/records/import',
      'json',
      rows,
    );
    expect(complete).toMatchObject({
      status: 'partial',
      total: 2509,
      succeeded: 2504,
      failed: 5,
      errorCount: 5,
    });
    expect(complete.errors.map((e) => e.line)).toEqual([2503, 2504, 2505, 2506, 2507]);
    const byLine = new Map(complete.errors.map((e) => [e.line, e.message]));
    expect(byLine.get(2503)).toMatch(/priority/);
    expect(byLine.get(2504)).toMatch(/value/);
    expect(byLine.get(2507)).toContain('ns9.imp.test');
    expect(percents.length).toBeGreaterThan(2);
    expect(percents.at(-1)).toBe(100);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);

    const job = (await h.api(`/api/jobs/${jobId}`)).body;
    expect(job).toMatchObject({ status: 'partial', succeeded: 2504, failed: 5 });
    expect(await q('j2499.imp.test')).toMatchObject({ answers: ['10.9.9.195'] });
    expect(await q('mail.imp.test', 'MX')).toMatchObject({ answers: ['10 mx1.imp.test.'] });
    expect((await q('_sip._tcp.imp.test', 'SRV')).answers).toEqual(['1 5 5060 sip.imp.test.']);
    expect((await q('bad-a.imp.test')).status).toBe('NXDOMAIN');
    const records = (await h.api('/api/zones/imp.test/records')).body as { records: unknown[] };
    expect(records.records).toHaveLength(2504);
  }, 120_000);
});

describe('bulk import of RPZ rules', () => {
  it('CSV: thousands of rules with bad lines; imported names are blocked by named', async () => {
    const lines = ['domain,action,redirectTo,category,comment'];
    for (let i = 0; i < 3000; i++) lines.push(`t${i}.tracker.test,nxdomain,,tracking,list A`);
    lines.push('phish.imp.test,redirect,192.0.2.99,phishing,walled garden'); // 3001 ok
    lines.push('j1.imp.test,nodata,,ads,'); // 3002 ok
    lines.push('bad domain!,nxdomain,,malware,'); // 3003 bad domain
    lines.push('x.tracker.test,explode,,malware,'); // 3004 bad action
    lines.push('y.tracker.test,redirect,,malware,'); // 3005 redirect without address
    lines.push('t7.tracker.test,nxdomain,,malware,dup'); // 3006 duplicate of line 8
    lines.push('*.wild.imp.test,nxdomain,,adult,'); // 3007 ok
    const { complete, percents } = await runImport(
      '/api/rpz/rules/import',
      'csv',
      lines.join('\n'),
    );
    expect(complete).toMatchObject({
      status: 'partial',
      total: 3007,
      succeeded: 3003,
      failed: 4,
      errorCount: 4,
    });
    expect(complete.errors.map((e) => e.line)).toEqual([3003, 3004, 3005, 3006]);
    const byLine = new Map(complete.errors.map((e) => [e.line, e.message]));
    expect(byLine.get(3003)).toMatch(/^domain:/);
    expect(byLine.get(3004)).toMatch(/^action:/);
    expect(byLine.get(3005)).toMatch(/^redirectTo:/);
    expect(byLine.get(3006)).toContain('t7.tracker.test');
    expect(percents.length).toBeGreaterThan(1);
    expect(percents.at(-1)).toBe(100);

    expect((await q('t2999.tracker.test')).status).toBe('NXDOMAIN');
    expect((await q('phish.imp.test')).answers).toEqual(['192.0.2.99']);
    expect(await q('j1.imp.test')).toMatchObject({ status: 'NOERROR', answers: [] });
    expect((await q('j2.imp.test')).answers).toEqual(['10.9.0.2']);
    const rules = (await h.api('/api/rpz/rules')).body as {
      rules: { domain: string; category: string }[];
    };
    expect(rules.rules).toHaveLength(3003);
    expect(rules.rules.find((r) => r.domain === 't7.tracker.test')?.category).toBe('tracking');
    const bulk = await h.waitEvent('rpz_update', (d) => d.action === 'bulk');
    expect(bulk).toMatchObject({ meta: { actor: { username: 'admin' } } });
  }, 120_000);

  it('JSON: rules as objects, with bad entries reported by index', async () => {
    const rows: unknown[] = [];
    for (let i = 0; i < 2000; i++) {
      rows.push({ domain: `m${i}.malware.test`, action: 'nxdomain', category: 'malware' });
    }
    rows.push({ domain: 'j3.imp.test', action: 'nxdomain', category: 'gambling' }); // 2001 ok
    rows.push({ domain: 'm5.malware.test', action: 'nodata' }); // 2002 duplicate in the file
    rows.push({ domain: 't1.tracker.test', action: 'nodata' }); // 2003 duplicate of the CSV import
    rows.push({ action: 'nxdomain' }); // 2004 no domain
    rows.push({ domain: 'c.malware.test', action: 'nxdomain', category: 'weather' }); // 2005
    rows.push(42); // 2006
    const { complete } = await runImport('/api/rpz/rules/import', 'json', rows);
    expect(complete).toMatchObject({ status: 'partial', total: 2006, succeeded: 2001, failed: 5 });
    expect(complete.errors.map((e) => e.line)).toEqual([2002, 2003, 2004, 2005, 2006]);
    const byLine = new Map(complete.errors.map((e) => [e.line, e.message]));
    expect(byLine.get(2002)).toContain('m5.malware.test');
    expect(byLine.get(2003)).toContain('t1.tracker.test');
    expect(byLine.get(2004)).toMatch(/^domain:/);
    expect(byLine.get(2005)).toMatch(/^category:/);

    expect((await q('m1999.malware.test')).status).toBe('NXDOMAIN');
    expect((await q('j3.imp.test')).status).toBe('NXDOMAIN');
    // The earlier CSV import's rules are still in force.
    expect((await q('t0.tracker.test')).status).toBe('NXDOMAIN');
    expect((await q('sub.wild.imp.test')).status).toBe('NXDOMAIN');
    expect((await q('j4.imp.test')).answers).toEqual(['10.9.0.4']);
  }, 120_000);

  it('refuses an import from a non-admin and one that is not CSV text or a JSON array', async () => {
    await h.api('/api/users', {
      method: 'POST',
      body: { username: 'opal', password: 'password-123', role: 'operator' },
    });
    const opal = (await h.server.login('opal', 'password-123')).accessToken;
    const denied = await h.server.api('/api/rpz/rules/import', {
      token: opal,
      body: { format: 'csv', data: 'domain,action\nz.test,nxdomain' },
    });
    expect(denied).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    const wrongShape = await h.api('/api/rpz/rules/import', {
      method: 'POST',
      body: { format: 'json', data: 'domain,action' },
    });
    expect(wrongShape.status).toBe(202);
    const jobId = (wrongShape.body as { id: string }).id;
    const done = await h.waitEvent('bulk_operation_complete', (d) => d.jobId === jobId);
    expect(done.data).toMatchObject({
      status: 'failed',
      succeeded: 0,
      errors: [{ line: 0, message: 'JSON data must be an array' }],
    });
  });
});
