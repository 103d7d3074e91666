import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig, zoneNameOfLength } from './bind-helpers.js';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';

/**
 * Zone files, staged files and backups never collide, whatever the zone names: `a.test`,
 * `a.test.tmp` and `a.test.prev` each keep their own file through repeated changes. Zone names
 * too long for a file name (`db.` + 253 characters > 255 bytes) are refused up front with
 * VALIDATION_ERROR, and nothing is created; 252 characters are accepted.
 */

let h: DnsHarness;

function managed() {
  const m = h.server.app.bind.managed;
  if (!m) throw new Error('not in managed mode');
  return m;
}

async function addRecord(zone: string, name: string, value: string): Promise<string> {
  const res = await h.api(`/api/zones/${zone}/records`, {
    method: 'POST',
    body: { name, type: 'A', value },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (res.body as { id: string }).id;
}

beforeAll(async () => {
  h = await startDnsHarness([]);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('zone file names', () => {
  it('a.test, a.test.tmp and a.test.prev keep separate files through repeated changes', async () => {
    const zones = ['a.test', 'a.test.tmp', 'a.test.prev'];
    for (const [i, name] of zones.entries()) {
      const res = await h.api('/api/zones', { method: 'POST', body: { name } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      await addRecord(name, 'www', `192.0.2.${i + 1}`);
    }
    // Each change of a.test stages a file and keeps a backup: neither may land on a neighbour.
    for (let n = 0; n < 3; n++) await addRecord('a.test', `h${n}`, `198.51.100.${n + 1}`);
    await addRecord('a.test.tmp', 'late', '203.0.113.1');

    for (const [i, name] of zones.entries()) {
      expect((await dig(h.dnsPort, `www.${name}`)).answers).toEqual([`192.0.2.${i + 1}`]);
      const text = await readFile(managed().layout.zoneFile(name), 'utf8');
      expect(text).toContain(`192.0.2.${i + 1}`);
      for (const [j] of zones.entries())
        if (j !== i) expect(text).not.toContain(`192.0.2.${j + 1}\n`);
    }
    expect((await dig(h.dnsPort, 'h2.a.test')).answers).toEqual(['198.51.100.3']);
    expect((await dig(h.dnsPort, 'late.a.test.tmp')).answers).toEqual(['203.0.113.1']);
    const files = (await readdir(managed().layout.zonesDir)).sort();
    expect(files).toEqual([
      'db.a.test',
      'db.a.test.prev',
      'db.a.test.tmp',
      'db.catalog.hdns.invalid',
      'db.rpz-allow.local',
      'db.rpz.local',
    ]);
    expect(await readdir(managed().layout.stagingDir)).toEqual([]);
  });

  it('refuses a zone name too long for its file name, and accepts the longest that fits', async () => {
    const before = await readdir(managed().layout.zonesDir);
    const tooLong = zoneNameOfLength(253);
    const refused = await h.api('/api/zones', { method: 'POST', body: { name: tooLong } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: {
        issues: [
          {
            path: '/name',
            message: expect.stringMatching(/at most 252 characters/) as unknown,
          },
        ],
      },
    });
    expect((await h.api(`/api/zones/${tooLong}`)).status).toBe(404);
    expect(await readdir(managed().layout.zonesDir)).toEqual(before);

    // The longest name that fits. A forward zone, because a primary zone this long cannot
    // hold its default `ns1.<zone>` name server (that name would exceed 253 characters).
    const longest = zoneNameOfLength(252);
    const created = await h.api('/api/zones', {
      method: 'POST',
      body: { name: longest, type: 'forward', forwarders: ['192.0.2.53'] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(await readFile(managed().layout.namedConf, 'utf8')).toContain(`zone "${longest}"`);
  });
});
