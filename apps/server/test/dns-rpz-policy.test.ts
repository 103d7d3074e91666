import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig } from './bind-helpers.js';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';

/**
 * RPZ actions as a real named answers them (BIND 9.18 semantics): NODATA, wildcard subdomain
 * rules, and a passthru rule exempting one name from a wildcard block in the same policy zone.
 * Also: every rule change carries before/after and the acting user in rpz_update.
 */

let h: DnsHarness;
const q = (name: string, type = 'A') => dig(h.dnsPort, name, type);

interface Rule {
  id: string;
  version: number;
  domain: string;
}

async function addRule(body: Record<string, unknown>): Promise<Rule> {
  const res = await h.api('/api/rpz/rules', { method: 'POST', body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Rule;
}

beforeAll(async () => {
  h = await startDnsHarness(['security']);
  const zone = await h.api('/api/zones', { method: 'POST', body: { name: 'bad.example' } });
  expect(zone.status).toBe(201);
  for (const [name, value] of [
    ['@', '192.0.2.1'],
    ['sub', '192.0.2.2'],
    ['deep.sub', '192.0.2.3'],
    ['good', '192.0.2.4'],
    ['nodata', '192.0.2.5'],
  ] as const) {
    const rec = await h.api('/api/zones/bad.example/records', {
      method: 'POST',
      body: { name, type: 'A', value },
    });
    expect(rec.status).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('RPZ actions answered by a real named', () => {
  it('a nodata rule answers NOERROR with an empty answer', async () => {
    expect(await q('nodata.bad.example')).toMatchObject({
      status: 'NOERROR',
      answers: ['192.0.2.5'],
    });
    const rule = await addRule({ domain: 'nodata.bad.example', action: 'nodata' });
    expect(await q('nodata.bad.example')).toEqual({ status: 'NOERROR', answers: [], types: [] });
    // The name still exists (NOERROR, not NXDOMAIN) for every type.
    expect((await q('nodata.bad.example', 'AAAA')).status).toBe('NOERROR');
    await h.api(`/api/rpz/rules/${rule.id}`, { method: 'DELETE' });
    expect((await q('nodata.bad.example')).answers).toEqual(['192.0.2.5']);
  });

  it('a *. rule blocks every subdomain but not the name itself, and passthru exempts one name', async () => {
    const wildcard = await addRule({ domain: '*.bad.example', action: 'nxdomain' });
    expect(wildcard.domain).toBe('*.bad.example');
    expect((await q('sub.bad.example')).status).toBe('NXDOMAIN');
    expect((await q('deep.sub.bad.example')).status).toBe('NXDOMAIN');
    expect((await q('good.bad.example')).status).toBe('NXDOMAIN');
    // RPZ wildcards match below the name only; the apex needs its own rule.
    expect(await q('bad.example')).toMatchObject({ status: 'NOERROR', answers: ['192.0.2.1'] });

    // Within one policy zone an exact QNAME trigger beats a wildcard, whatever the order.
    const pass = await addRule({ domain: 'good.bad.example', action: 'passthru' });
    expect(await q('good.bad.example')).toMatchObject({
      status: 'NOERROR',
      answers: ['192.0.2.4'],
    });
    expect((await q('sub.bad.example')).status).toBe('NXDOMAIN');
    // Passthru is exact: names below the exempted one are still caught by the wildcard.
    expect((await q('x.good.bad.example')).status).toBe('NXDOMAIN');

    await h.api(`/api/rpz/rules/${pass.id}`, { method: 'DELETE' });
    expect((await q('good.bad.example')).status).toBe('NXDOMAIN');
    await h.api(`/api/rpz/rules/${wildcard.id}`, { method: 'DELETE' });
    expect(await q('sub.bad.example')).toMatchObject({
      status: 'NOERROR',
      answers: ['192.0.2.2'],
    });
  });

  it('a wildcard nodata rule empties subdomain answers while an exact nxdomain rule wins for its name', async () => {
    const wild = await addRule({ domain: '*.sub.bad.example', action: 'nodata' });
    const exact = await addRule({ domain: 'deep.sub.bad.example', action: 'nxdomain' });
    expect((await q('deep.sub.bad.example')).status).toBe('NXDOMAIN');
    expect(await q('other.sub.bad.example')).toMatchObject({ status: 'NOERROR', answers: [] });
    expect((await q('sub.bad.example')).answers).toEqual(['192.0.2.2']);
    await h.api(`/api/rpz/rules/${exact.id}`, { method: 'DELETE' });
    await h.api(`/api/rpz/rules/${wild.id}`, { method: 'DELETE' });
    expect((await q('deep.sub.bad.example')).answers).toEqual(['192.0.2.3']);
  });
});

describe('rpz_update carries before, after and the acting user', () => {
  it('on create, update and delete', async () => {
    const from = h.eventsOf('rpz_update').length;
    const rule = await addRule({
      domain: 'sub.bad.example',
      action: 'nxdomain',
      category: 'phishing',
      comment: 'reported',
    });
    const updated = await h.api(`/api/rpz/rules/${rule.id}`, {
      method: 'PATCH',
      body: { version: rule.version, action: 'nodata', category: 'malware' },
    });
    expect(updated.status).toBe(200);
    expect(await q('sub.bad.example')).toMatchObject({ status: 'NOERROR', answers: [] });
    expect((await h.api(`/api/rpz/rules/${rule.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await q('sub.bad.example')).answers).toEqual(['192.0.2.2']);

    await h.ws.waitFor(() => (h.eventsOf('rpz_update').length >= from + 3 ? true : undefined));
    const [created, changed, deleted] = h.eventsOf('rpz_update').slice(from);
    const base = {
      id: rule.id,
      domain: 'sub.bad.example',
      redirectTo: null,
      enabled: true,
      comment: 'reported',
    };
    expect(created).toMatchObject({
      data: {
        action: 'created',
        ruleId: rule.id,
        before: null,
        after: { ...base, action: 'nxdomain', category: 'phishing' },
        rule: { ...base, action: 'nxdomain' },
      },
      meta: { actor: { username: 'admin' } },
    });
    expect(changed).toMatchObject({
      data: {
        action: 'updated',
        ruleId: rule.id,
        before: { ...base, action: 'nxdomain', category: 'phishing' },
        after: { ...base, action: 'nodata', category: 'malware' },
      },
      meta: { actor: { username: 'admin' } },
    });
    expect(deleted).toMatchObject({
      data: {
        action: 'deleted',
        ruleId: rule.id,
        before: { ...base, action: 'nodata', category: 'malware' },
        after: null,
        rule: null,
      },
      meta: { actor: { username: 'admin' } },
    });
    const serials = [created, changed, deleted].map((e) => (e?.data as { serial: number }).serial);
    expect(serials[1]).toBeGreaterThan(serials[0] ?? Infinity);
    expect(serials[2]).toBeGreaterThan(serials[1] ?? Infinity);
  });
});
