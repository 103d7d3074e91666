import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secondarySchema, zoneSchema } from '@hdns/protocol/rest';
import { bindBinaries, dig, freePort, tempDir } from './bind-helpers.js';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';
import { createZoneWithWww } from './helpers.js';

/**
 * Replication watching against real servers: the app with its managed named as primary of one
 * zone, and a second, plain named started here as its secondary (zone `type secondary` pulling
 * from our named; registered through POST /api/secondaries, which lets it transfer and
 * notifies it). Over /ws: zone_sync with the secondary in sync, a change reaching it by NOTIFY
 * (zone_transfer out, zone_sync with the new serial), the secondary stopped → failing
 * (critical), started again → in_sync.
 */

const ZONE = 'repl.test';
let h: DnsHarness;
let secondary: PlainSecondary;
let secondaryId = '';

interface PlainSecondary {
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  remove(): Promise<void>;
}

async function plainSecondary(primaryPort: number): Promise<PlainSecondary> {
  const { named } = bindBinaries();
  const { dir, remove } = await tempDir('hdns-secondary-');
  const port = await freePort();
  await writeFile(
    path.join(dir, 'named.conf'),
    `options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  session-keyfile "${dir}/session.key";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  notify no;
  dnssec-validation no;
};
controls { };
zone "${ZONE}" { type secondary; file "${dir}/zone.db"; primaries { 127.0.0.1 port ${primaryPort}; }; };
`,
  );
  let proc: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const stop = async (): Promise<void> => {
    if (proc && proc.exitCode === null) proc.kill('SIGTERM');
    await exited;
    proc = null;
  };
  const start = async (): Promise<void> => {
    let log = '';
    const p = spawn(named, ['-g', '-c', path.join(dir, 'named.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    proc = p;
    p.stderr?.on('data', (b: Buffer) => {
      log = (log + b.toString()).slice(-4000);
    });
    exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    for (let i = 0; i < 100; i++) {
      if (p.exitCode !== null) break;
      const answer = await dig(port, 'version.bind', 'TXT').catch(() => null);
      if (answer !== null) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    await stop();
    throw new Error(`secondary named did not start:\n${log}`);
  };
  await start();
  return { port, start, stop, remove };
}

async function zoneSerial(): Promise<number> {
  const zone = zoneSchema.parse((await h.api(`/api/zones/${ZONE}`)).body);
  if (zone.serial === null) throw new Error('zone has no serial');
  return zone.serial;
}

interface SyncData {
  zone: string;
  dbSerial: number | null;
  servedSerial: number | null;
  secondaries: { id: string; serial: number | null; state: string }[];
  drift: boolean;
}

beforeAll(async () => {
  h = await startDnsHarness(['dns', 'health'], {
    HDNS_MONITORS: 'true',
    HDNS_SECONDARY_CHECK_SECONDS: '1',
    HDNS_SECONDARY_LAG_GRACE_SECONDS: '30',
  });
  await createZoneWithWww(h.api, ZONE);
  secondary = await plainSecondary(h.dnsPort);
  const res = await h.api('/api/secondaries', {
    method: 'POST',
    body: { name: 'ns2', address: '127.0.0.1', port: secondary.port },
  });
  expect(res.status).toBe(201);
  secondaryId = secondarySchema.parse(res.body).id;
}, 60_000);

afterAll(async () => {
  await h?.close();
  await secondary?.stop();
  await secondary?.remove();
});

const ofOurSecondary = (d: Record<string, unknown>) =>
  (d as unknown as SyncData).secondaries.find((s) => s.id === secondaryId);

describe('replication watch against a real secondary named', () => {
  it('shows the secondary in sync with the serial named serves', async () => {
    const serial = await zoneSerial();
    const ev = await h.waitEvent(
      'zone_sync',
      (d) =>
        d.zone === ZONE &&
        d.servedSerial === serial &&
        ofOurSecondary(d)?.state === 'in_sync' &&
        ofOurSecondary(d)?.serial === serial,
      20_000,
    );
    expect((ev.data as SyncData).dbSerial).toBe(serial);
    expect((ev.data as SyncData).drift).toBe(false);
    const status = await h.waitEvent(
      'secondary_status',
      (d) => d.secondaryId === secondaryId && d.state === 'in_sync',
    );
    expect(status.data).toMatchObject({ name: 'ns2', level: 'info', laggingZones: [] });
    const listed = await h.api('/api/secondaries');
    expect(listed.body).toMatchObject({ secondaries: [{ id: secondaryId, state: 'in_sync' }] });
    const sync = await h.api(`/api/zones/${ZONE}/sync`);
    expect(sync.body).toMatchObject({ zone: ZONE, servedSerial: serial, drift: false });
  });

  it('a change reaches the secondary by NOTIFY: zone_transfer out, then zone_sync at the new serial', async () => {
    const before = await zoneSerial();
    const rec = await h.api(`/api/zones/${ZONE}/records`, {
      method: 'POST',
      body: { name: 'mail', type: 'A', value: '192.0.2.25' },
    });
    expect(rec.status).toBe(201);
    const after = await zoneSerial();
    expect(after).not.toBe(before);

    const xfer = await h.waitEvent(
      'zone_transfer',
      (d) => d.zone === ZONE && d.direction === 'out' && d.serial === after,
      20_000,
    );
    expect(xfer.data).toMatchObject({
      success: true,
      peer: expect.stringMatching(/^127\.0\.0\.1#\d+$/),
    });
    expect(['AXFR', 'IXFR']).toContain((xfer.data as { kind: string }).kind);

    const sync = await h.waitEvent(
      'zone_sync',
      (d) =>
        d.zone === ZONE &&
        d.dbSerial === after &&
        d.servedSerial === after &&
        ofOurSecondary(d)?.serial === after,
      20_000,
    );
    expect(ofOurSecondary(sync.data as Record<string, unknown>)?.state).toBe('in_sync');
    const answer = await dig(secondary.port, `mail.${ZONE}`, 'A');
    expect(answer.answers).toEqual(['192.0.2.25']);
  });

  it('a stopped secondary turns failing (critical), and in_sync again once it is back', async () => {
    await secondary.stop();
    const failing = await h.waitEvent(
      'secondary_status',
      (d) => d.secondaryId === secondaryId && d.state === 'failing',
      30_000,
    );
    expect(failing.data).toMatchObject({ level: 'critical', previous: 'in_sync' });
    const drift = await h.waitEvent(
      'zone_sync',
      (d) => d.zone === ZONE && ofOurSecondary(d)?.state === 'failing',
    );
    expect((drift.data as SyncData).drift).toBe(true);

    await secondary.start();
    const back = await h.waitEvent(
      'secondary_status',
      (d) => d.secondaryId === secondaryId && d.state === 'in_sync' && d.previous === 'failing',
      30_000,
    );
    expect(back.data).toMatchObject({ level: 'info' });
  });
});
