import { readdir, readFile, writeFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@hdns/testkit';
import { dig } from './bind-helpers.js';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';
import { createZoneWithWww } from './helpers.js';

/**
 * named hangs (SIGSTOP) while the app writes, then dies (SIGKILL) and the supervisor restarts
 * it. Every write must answer 503 BIND_UNAVAILABLE with its files already rolled back, so the
 * restarted named loads exactly what the database holds: the REST API and dig agree.
 *
 * And the other order of failure: BIND applied a change, then the database refused to store it
 * (an SQLite trigger raising an error stands in for a full disk or a broken constraint). BIND
 * must be put back to what the database holds before the error answer.
 *
 * And named hanging after it loaded a new zone, before the write could confirm it: the undo's
 * named.conf stays on disk although named cannot be told, and the supervisor re-renders every
 * file from the database before it restarts named.
 */

let h: DnsHarness;
const q = (name: string, type = 'A') => dig(h.dnsPort, name, type);

function managed() {
  const m = h.server.app.bind.managed;
  if (!m) throw new Error('not in managed mode');
  return m;
}

/**
 * Three kinds of write at once: record `name` in stop.test (a zone reload), zone `zone` (a
 * reconfig) and a rule blocking www.stop.test (an RPZ reload).
 */
function threeWrites(name: string, value: string, zone: string) {
  return Promise.all([
    h.api('/api/zones/stop.test/records', {
      method: 'POST',
      body: { name, type: 'A', value },
    }),
    h.api('/api/zones', { method: 'POST', body: { name: zone } }),
    h.api('/api/rpz/rules', {
      method: 'POST',
      body: { domain: 'www.stop.test', action: 'nxdomain' },
    }),
  ]);
}

beforeAll(async () => {
  h = await startDnsHarness(['dns']);
  await createZoneWithWww(h.api, 'stop.test');
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
      const [record, zone, rule] = await threeWrites('new', '192.0.2.2', 'fresh.test');
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

    await restarted(pid);

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
    await refuse('no_boom_zone', 'INSERT ON zones', "NEW.name IN ('boom.test', 'fwd-boom.test')");
    await refuse('no_zone_delete', 'DELETE ON zones', "OLD.name = 'stop.test'");
    await refuse('no_boom_rule', 'INSERT ON rpz_rules', "NEW.domain = 'www.stop.test'");
    await refuse('no_boom_forwarder', 'INSERT ON forwarders', "NEW.address = '192.0.2.53'");
    const confText = await readFile(m.layout.namedConf, 'utf8');
    const forwardersBefore = m.writer.state().forwarders;
    const serial = ((await h.api('/api/zones/stop.test')).body as { serial: number }).serial;

    const attempts = await threeWrites('boom', '192.0.2.66', 'boom.test');
    // named.conf changes one at a time: a forward zone, then the global forwarders.
    attempts.push(
      await h.api('/api/zones', {
        method: 'POST',
        body: { name: 'fwd-boom.test', type: 'forward', forwarders: ['192.0.2.54'] },
      }),
      await h.api('/api/forwarders', {
        method: 'POST',
        body: { name: 'boom', address: '192.0.2.53' },
      }),
    );
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
    // named.conf (what named loaded with the last reconfig) is back to the database's version.
    expect(await readFile(m.layout.namedConf, 'utf8')).toBe(confText);
    expect(m.writer.state().forwarders).toEqual(forwardersBefore);
    expect(m.writer.state().zones.map((z) => z.name)).not.toContain('fwd-boom.test');
    expect((await h.api('/api/zones/fwd-boom.test')).status).toBe(404);
    expect((await h.api('/api/forwarders')).body).toEqual({ forwarders: [] });
  }, 60_000);
});

describe('named hangs after loading a new zone, before its serial is confirmed', () => {
  it('the undo stays on disk, and the restarted named serves what the database holds', async () => {
    const m = managed();
    const pid = m.supervisor.pid;
    if (pid === null) throw new Error('named not running');
    // Deterministic hang: named is stopped right after it answered the reconfig that added
    // the zone, so the serial check and the undo's reconfig both time out.
    const reconfig = m.tools.reconfig.bind(m.tools);
    let armed = true;
    m.tools.reconfig = async () => {
      await reconfig();
      if (armed) {
        armed = false;
        process.kill(pid, 'SIGSTOP');
      }
    };
    let killed = false;
    try {
      const res = await h.api('/api/zones', { method: 'POST', body: { name: 'hang.stop.test' } });
      expect(armed).toBe(false);
      expect(res.status, JSON.stringify(res.body)).toBe(503);
      expect(res.body).toMatchObject({ code: 'BIND_UNAVAILABLE' });
      // Before the answer, while named is still stopped: no trace of the zone on disk.
      expect(await readFile(m.layout.namedConf, 'utf8')).not.toContain('hang.stop.test');
      expect(await readdir(m.layout.zonesDir)).not.toContain('db.hang.stop.test');
      expect(await readdir(m.layout.stagingDir)).toEqual([]);
      process.kill(pid, 'SIGKILL');
      killed = true;
    } finally {
      m.tools.reconfig = reconfig;
      if (!killed) process.kill(pid, 'SIGCONT');
    }
    await restarted(pid);

    expect(await m.tools.zoneStatus('hang.stop.test')).toBeNull();
    // Answered from stop.test: the name does not exist there (with the zone it would have an SOA).
    expect((await q('hang.stop.test', 'SOA')).status).toBe('NXDOMAIN');
    expect((await h.api('/api/zones/hang.stop.test')).status).toBe(404);
    expect(await q('www.stop.test')).toMatchObject({ status: 'NOERROR', answers: ['192.0.2.1'] });
  }, 60_000);

  it('the supervisor re-renders named.conf and the zones from the database before a restart', async () => {
    const m = managed();
    const pid = m.supervisor.pid;
    if (pid === null) throw new Error('named not running');
    // A zone the database lacks, left in named.conf and the zones dir (as by any failed
    // write), and loaded by named: proof that a restart from these files would serve it.
    const conf = await readFile(m.layout.namedConf, 'utf8');
    const stanza = /zone "stop\.test" \{[^]*?\n\};/.exec(conf)?.[0];
    if (!stanza) throw new Error(`no stop.test stanza in:\n${conf}`);
    const zoneText = await readFile(m.layout.zoneFile('stop.test'), 'utf8');
    await writeFile(
      m.layout.zoneFile('phantom.stop.test'),
      zoneText.replaceAll('stop.test', 'phantom.stop.test'),
    );
    await writeFile(
      m.layout.namedConf,
      `${conf}\n${stanza.replaceAll('stop.test', 'phantom.stop.test')}\n`,
    );
    await m.tools.reconfig();
    expect(await m.tools.zoneStatus('phantom.stop.test')).not.toBeNull();
    expect((await q('www.phantom.stop.test')).answers).toEqual(['192.0.2.1']);

    process.kill(pid, 'SIGKILL');
    await restarted(pid);

    expect(await m.tools.zoneStatus('phantom.stop.test')).toBeNull();
    expect((await q('www.phantom.stop.test')).status).toBe('NXDOMAIN');
    expect(await readFile(m.layout.namedConf, 'utf8')).toBe(conf);
    expect(await readdir(m.layout.zonesDir)).not.toContain('db.phantom.stop.test');
    expect((await h.api('/api/zones/phantom.stop.test')).status).toBe(404);
    expect(await q('www.stop.test')).toMatchObject({ status: 'NOERROR', answers: ['192.0.2.1'] });
  }, 60_000);
});

/** Waits until the supervisor has replaced named `pid` with one that answers rndc. */
async function restarted(pid: number): Promise<void> {
  const m = managed();
  // rndc fails while named restarts: a failed status is "not yet".
  await waitFor(
    async () =>
      m.supervisor.pid !== pid && m.supervisor.state === 'running'
        ? ((await m.tools.status().catch(() => undefined))?.running ?? false) || undefined
        : undefined,
    30_000,
    'the supervisor to restart named',
    100,
  );
}
