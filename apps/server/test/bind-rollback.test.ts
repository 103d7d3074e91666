import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig } from './bind-helpers.js';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';

/**
 * named hangs (SIGSTOP) while the app writes, then dies (SIGKILL) and the supervisor restarts
 * it. Every write must answer 503 BIND_UNAVAILABLE with its files already rolled back, so the
 * restarted named loads exactly what the database holds: the REST API and dig agree.
 *
 * And the other order of failure: BIND applied a change, then the database refused to store it
 * (an SQLite trigger raising an error stands in for a full disk or a broken constraint). BIND
 * must be put back to what the database holds before the error answer.
 */

let h: DnsHarness;
const q = (name: string, type = 'A') => dig(h.dnsPort, name, type);

function managed() {
  const m = h.server.app.bind.managed;
  if (!m) throw new Error('not in managed mode');
  return m;
}

async function until<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  h = await startDnsHarness(['dns']);
  expect((await h.api('/api/zones', { method: 'POST', body: { name: 'stop.test' } })).status).toBe(
    201,
  );
  const rec = await h.api('/api/zones/stop.test/records', {
    method: 'POST',
    body: { name: 'www', type: 'A', value: '192.0.2.1' },
  });
  expect(rec.status).toBe(201);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('named stopped during a write, then killed', () => {
  it('answers 503 with files rolled back; the restarted named serves what the database holds', async () => {
    const m = managed();
    const zoneFile = m.layout.zoneFile('stop.test');
    const rpzFile = m.layout.zoneFile('rpz.local');
    const [zoneText, rpzText, confText] = await Promise.all(
      [zoneFile, rpzFile, m.layout.namedConf].map((f) => readFile(f, 'utf8')),
    );
    const zoneBefore = (await h.api('/api/zones/stop.test')).body as { serial: number };
    const pid = m.supervisor.pid;
    if (pid === null) throw new Error('named not running');

    process.kill(pid, 'SIGSTOP');
    let killed = false;
    try {
      // Three kinds of write at once: a record (zone reload), a new zone (reconfig), a rule.
      const [record, zone, rule] = await Promise.all([
        h.api('/api/zones/stop.test/records', {
          method: 'POST',
          body: { name: 'new', type: 'A', value: '192.0.2.2' },
        }),
        h.api('/api/zones', { method: 'POST', body: { name: 'fresh.test' } }),
        h.api('/api/rpz/rules', {
          method: 'POST',
          body: { domain: 'www.stop.test', action: 'nxdomain' },
        }),
      ]);
      for (const res of [record, zone, rule]) {
        expect(res.status, JSON.stringify(res.body)).toBe(503);
        expect(res.body).toMatchObject({ code: 'BIND_UNAVAILABLE' });
      }
      // Rolled back before the answer, while named is still stopped.
      expect(await readFile(zoneFile, 'utf8')).toBe(zoneText);
      expect(await readFile(rpzFile, 'utf8')).toBe(rpzText);
      expect(await readFile(m.layout.namedConf, 'utf8')).toBe(confText);
      expect(await readdir(m.layout.zonesDir)).not.toContain('db.fresh.test');
      expect(await readdir(m.layout.stagingDir)).toEqual([]);

      process.kill(pid, 'SIGKILL');
      killed = true;
    } finally {
      if (!killed) process.kill(pid, 'SIGCONT');
    }

    await until(
      async () =>
        m.supervisor.pid !== pid && m.supervisor.state === 'running'
          ? (await m.tools.status()).running || undefined
          : undefined,
      'the supervisor to restart named',
    );

    // Served: the old data, no new zone, no block.
    expect(await q('www.stop.test')).toMatchObject({ status: 'NOERROR', answers: ['192.0.2.1'] });
    expect((await q('new.stop.test')).status).toBe('NXDOMAIN');
    expect(await m.tools.zoneStatus('fresh.test')).toBeNull();
    expect((await m.tools.zoneStatus('stop.test'))?.serial).toBe(zoneBefore.serial);

    // Stored: the same.
    const { records } = (await h.api('/api/zones/stop.test/records')).body as {
      records: { name: string }[];
    };
    expect(records.map((r) => r.name).sort()).toEqual(['www']);
    expect((await h.api('/api/zones/fresh.test')).status).toBe(404);
    expect((await h.api('/api/rpz/rules')).body).toEqual({ rules: [] });
    expect(((await h.api('/api/zones/stop.test')).body as { serial: number }).serial).toBe(
      zoneBefore.serial,
    );

    // And writes work again.
    const again = await h.api('/api/zones/stop.test/records', {
      method: 'POST',
      body: { name: 'new', type: 'A', value: '192.0.2.2' },
    });
    expect(again.status).toBe(201);
    expect((await q('new.stop.test')).answers).toEqual(['192.0.2.2']);
  }, 60_000);
});

describe('the database refuses a change BIND already serves', () => {
  /** Makes the app database refuse one kind of write (a real SQLite error). */
  async function refuse(trigger: string, on: string, when: string): Promise<void> {
    await sql
      .raw(
        `CREATE TRIGGER ${trigger} BEFORE ${on} WHEN ${when} ` +
          `BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
      )
      .execute(h.server.app.db);
  }

  it('record create, zone create, zone delete and rule create: BIND follows the database back', async () => {
    const m = managed();
    await refuse('no_boom_record', 'INSERT ON records', "NEW.name = 'boom'");
    await refuse('no_boom_zone', 'INSERT ON zones', "NEW.name = 'boom.test'");
    await refuse('no_zone_delete', 'DELETE ON zones', "OLD.name = 'stop.test'");
    await refuse('no_boom_rule', 'INSERT ON rpz_rules', "NEW.domain = 'www.stop.test'");
    const serial = ((await h.api('/api/zones/stop.test')).body as { serial: number }).serial;

    const attempts = await Promise.all([
      h.api('/api/zones/stop.test/records', {
        method: 'POST',
        body: { name: 'boom', type: 'A', value: '192.0.2.66' },
      }),
      h.api('/api/zones', { method: 'POST', body: { name: 'boom.test' } }),
      h.api('/api/rpz/rules', {
        method: 'POST',
        body: { domain: 'www.stop.test', action: 'nxdomain' },
      }),
    ]);
    const removal = await h.api('/api/zones/stop.test', { method: 'DELETE' });
    for (const res of [...attempts, removal]) expect(res.status).toBe(500);

    expect((await q('boom.stop.test')).status).toBe('NXDOMAIN');
    expect(await m.tools.zoneStatus('boom.test')).toBeNull();
    expect(await readdir(m.layout.zonesDir)).not.toContain('db.boom.test');
    expect(await q('www.stop.test')).toMatchObject({ status: 'NOERROR', answers: ['192.0.2.1'] });
    expect((await m.tools.zoneStatus('stop.test'))?.serial).toBe(serial);
    expect(((await h.api('/api/zones/stop.test')).body as { serial: number }).serial).toBe(serial);
    expect((await h.api('/api/zones/boom.test')).status).toBe(404);
    expect((await h.api('/api/rpz/rules')).body).toEqual({ rules: [] });
  }, 60_000);
});
