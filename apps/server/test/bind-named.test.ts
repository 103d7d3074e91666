import { DEFAULT_DNS_SETTINGS } from '../src/dns/dns-settings-store.js';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, sleep } from '@hdns/testkit';
import { AppError } from '../src/http/app-error.js';
import type { RecordSpec, ZoneSpec } from '../src/dns/dns-specs.js';
import {
  statsReloadSnapshot,
  watchExternalReloads,
  type ReloadChange,
} from '../src/bind/external-reload-watch.js';
import { createManagedBind, type ManagedBind } from '../src/bind/managed-bind.js';
import type { BootstrapInput } from '../src/bind/zone-writer.js';
import { NamedSupervisor, type SupervisorEvent } from '../src/bind/named-supervisor.js';
import { bindLayout } from '../src/bind/bind-layout.js';
import { BindTools } from '../src/bind/bind-tools.js';
import { bindBinaries, dig, freeBindPorts, startFakeUpstream, tempDir } from './bind-helpers.js';

/**
 * One real named on loopback high ports in a temp dir, driven through the managed-mode API the
 * app uses. Tests run in order and build on each other's state.
 */

const ZONE = 'example.test';
let bind: ManagedBind;
let stop: () => Promise<void>;
let dir: { dir: string; remove: () => Promise<void> };
let upstream: Awaited<ReturnType<typeof startFakeUpstream>>;
const events: SupervisorEvent[] = [];
let serial = 2026112201;
/** What the caller's database would hold: the supervisor renders it before every (re)start. */
/** The fake upstream cannot prove the root zone's keys: validating would turn its answers away. */
const server = { ...DEFAULT_DNS_SETTINGS, dnssecValidation: 'no' as const };
let truth: BootstrapInput = { zones: [], forwarders: [], rpzRules: [], server };

const zoneSpec = (s: number): ZoneSpec => ({
  name: ZONE,
  type: 'primary',
  defaultTtl: 300,
  serial: s,
});

const records = (wwwAddress: string): RecordSpec[] => [
  { name: '@', type: 'NS', value: 'ns1' },
  { name: 'ns1', type: 'A', value: '127.0.0.1' },
  { name: 'www', type: 'A', value: wwwAddress },
  { name: 'www', type: 'AAAA', value: '2001:db8::10' },
  { name: 'web', type: 'CNAME', value: 'www' },
  { name: '@', type: 'MX', priority: 10, value: 'mail' },
  { name: 'mail', type: 'A', value: '192.0.2.25' },
  { name: '@', type: 'TXT', value: `v=spf1 -all "quoted" ${'x'.repeat(300)}` },
  { name: '_sip._tcp', type: 'SRV', priority: 10, weight: 5, port: 5060, value: 'www' },
  { name: '@', type: 'CAA', value: 'letsencrypt.org' },
  { name: '10', type: 'PTR', value: 'www.example.test.' },
  { name: 'sub', type: 'NS', value: 'ns.elsewhere.test.' },
];

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  dir = await tempDir();
  upstream = await startFakeUpstream({
    'host.corp.test': '10.1.2.3',
    'www.upstream.test': '10.9.9.9',
    'malware.bad.test': '10.6.6.6',
  });
  bind = createManagedBind({
    dataDir: dir.dir,
    binaries: bindBinaries(),
    ports: await freeBindPorts(),
    restart: { initialDelayMs: 200 },
    initialState: () => truth,
    onEvent: (e) => events.push(e),
  });
  stop = await bind.start();
});

afterAll(async () => {
  const pid = bind?.supervisor.pid;
  await stop?.();
  if (pid) expect(isAlive(pid)).toBe(false);
  await upstream?.close();
  await dir?.remove();
});

describe('managed named', () => {
  it('starts named, which answers rndc status', async () => {
    expect(events[0]).toMatchObject({ type: 'started' });
    const status = await bind.tools.status();
    expect(status.running).toBe(true);
    expect(status.queryLogging).toBe(true);
    expect(bind.bootstrapResult).toEqual({ skipped: [] });
  });

  it('adds a zone with every record type and serves it', async () => {
    const result = await bind.writer.putZone(zoneSpec(serial), records('192.0.2.10'));
    expect(result).toEqual({ zone: ZONE, serial, applied: 'reconfig' });
    const port = bind.ports.dns;
    expect((await dig(port, 'www.example.test', 'A')).answers).toEqual(['192.0.2.10']);
    expect((await dig(port, 'www.example.test', 'AAAA')).answers).toEqual(['2001:db8::10']);
    const cname = await dig(port, 'web.example.test', 'A');
    expect(cname.types).toEqual(['CNAME', 'A']);
    expect((await dig(port, 'example.test', 'MX')).answers).toEqual(['10 mail.example.test.']);
    const txt = (await dig(port, 'example.test', 'TXT')).answers[0] ?? '';
    expect(txt).toContain('"v=spf1 -all \\"quoted\\" xxx');
    expect(txt.split('" "')).toHaveLength(2);
    expect((await dig(port, '_sip._tcp.example.test', 'SRV')).answers).toEqual([
      '10 5 5060 www.example.test.',
    ]);
    expect((await dig(port, 'example.test', 'CAA')).answers).toEqual(['0 issue "letsencrypt.org"']);
    expect((await dig(port, '10.example.test', 'PTR')).answers).toEqual(['www.example.test.']);
    expect((await dig(port, 'example.test', 'NS')).answers).toEqual(['ns1.example.test.']);
  });

  it('updates a record: new serial confirmed by zonestatus and the new answer served', async () => {
    serial += 1;
    const result = await bind.writer.putZone(zoneSpec(serial), records('192.0.2.11'));
    expect(result.applied).toBe('reload');
    expect((await bind.tools.zoneStatus(ZONE))?.serial).toBe(serial);
    expect((await dig(bind.ports.dns, 'www.example.test', 'A')).answers).toEqual(['192.0.2.11']);
    const backup = path.join(bind.layout.backupDir, path.basename(bind.layout.zoneFile(ZONE)));
    expect(await readFile(backup, 'utf8')).toContain('192.0.2.10');
  });

  it('rejects a zone named-checkzone refuses: old file kept, old serial still served', async () => {
    const file = bind.layout.zoneFile(ZONE);
    const before = await readFile(file, 'utf8');
    const broken = [
      ...records('192.0.2.99'),
      { name: '@', type: 'CNAME', value: 'www' } as RecordSpec,
    ];
    const err = await bind.writer.putZone(zoneSpec(serial + 1), broken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('ZONE_CHECK_FAILED');
    const details = (err as AppError).details as { zone: string; message: string };
    expect(details.zone).toBe(ZONE);
    expect(details.message).toMatch(/db\.example\.test:\d+: .*CNAME and other data/);
    expect(details.message).not.toContain(bind.layout.stagingDir);
    expect(await readFile(file, 'utf8')).toBe(before);
    await expect(readdir(bind.layout.stagingDir)).resolves.toEqual([]);
    expect((await bind.tools.zoneStatus(ZONE))?.serial).toBe(serial);
    expect((await dig(bind.ports.dns, 'www.example.test', 'A')).answers).toEqual(['192.0.2.11']);
  });

  it('refuses a host name named would refuse (check-names) before it reaches named', async () => {
    // named-checkzone only warns about `under_score` by default; named's `check-names primary
    // fail` then refused the file at reload, which surfaced as a BIND_RELOAD_FAILED after the
    // confirm loop's timeout, with no word of why.
    const file = bind.layout.zoneFile(ZONE);
    const before = await readFile(file, 'utf8');
    const bad: RecordSpec[] = [
      ...records('192.0.2.99'),
      { name: 'under_score', type: 'A', value: '192.0.2.6' },
    ];
    const err = await bind.writer.putZone(zoneSpec(serial + 1), bad).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('ZONE_CHECK_FAILED');
    expect(((err as AppError).details as { message: string }).message).toMatch(
      /db\.example\.test:\d+: under_score\.example\.test: bad owner name \(check-names\)/,
    );
    expect(await readFile(file, 'utf8')).toBe(before);
    expect((await bind.tools.zoneStatus(ZONE))?.serial).toBe(serial);
    // Owner names that are not host names keep their underscores (the SRV above, a TXT).
    serial += 1;
    const fine: RecordSpec[] = [
      ...records('192.0.2.11'),
      { name: '_dmarc', type: 'TXT', value: 'v=DMARC1; p=none' },
    ];
    await bind.writer.putZone(zoneSpec(serial), fine);
    expect((await bind.tools.zoneStatus(ZONE))?.serial).toBe(serial);
  });

  it('serializes concurrent writes to one zone', async () => {
    const writes = [1, 2, 3].map((i) =>
      bind.writer.putZone(zoneSpec(serial + i), records(`192.0.2.${20 + i}`)),
    );
    const results = await Promise.all(writes);
    expect(results.map((r) => r.serial)).toEqual([serial + 1, serial + 2, serial + 3]);
    serial += 3;
    expect((await bind.tools.zoneStatus(ZONE))?.serial).toBe(serial);
    expect((await dig(bind.ports.dns, 'www.example.test', 'A')).answers).toEqual(['192.0.2.23']);
  });

  it('forward zones and global forwarders reach the upstream', async () => {
    await bind.writer.putZone({
      name: 'corp.test',
      type: 'forward',
      defaultTtl: 300,
      serial: 1,
      forwarders: [`127.0.0.1#${upstream.port}`],
    });
    expect((await dig(bind.ports.dns, 'host.corp.test', 'A')).answers).toEqual(['10.1.2.3']);
    await bind.writer.setForwarders([{ address: '127.0.0.1', port: upstream.port }]);
    expect(await readFile(bind.layout.namedConf, 'utf8')).toContain(
      `127.0.0.1 port ${upstream.port};`,
    );
    expect((await dig(bind.ports.dns, 'www.upstream.test', 'A')).answers).toEqual(['10.9.9.9']);
    expect(bind.writer.state().zones.map((z) => z.name)).toEqual(['corp.test', ZONE]);
  });

  it('removes a zone', async () => {
    await bind.writer.putZone({ ...zoneSpec(5), name: 'gone.test' }, []);
    expect((await bind.tools.zoneStatus('gone.test'))?.serial).toBe(5);
    expect(await bind.writer.deleteZone('gone.test')).toBe(true);
    expect(await bind.tools.zoneStatus('gone.test')).toBeNull();
    expect(await bind.writer.deleteZone('gone.test')).toBe(false);
    await expect(readFile(bind.layout.zoneFile('gone.test'))).rejects.toThrow();
  });

  it('RPZ: a nxdomain rule blocks at once and is logged; queries are logged', async () => {
    const { serial: rpzSerial } = await bind.writer.putRpz([
      { name: 'malware.bad.test', action: 'nxdomain', category: 'malware' },
      { name: 'phish.bad.test', action: 'redirect', redirectTo: '127.0.0.2' },
      // A trigger is not a host name: its A record passes (the zone is `check-names ignore`).
      { name: 'ad_tracker.bad.test', action: 'redirect', redirectTo: '127.0.0.3' },
    ]);
    expect((await bind.tools.zoneStatus('rpz.local'))?.serial).toBe(rpzSerial);
    expect((await dig(bind.ports.dns, 'ad_tracker.bad.test', 'A')).answers).toEqual(['127.0.0.3']);
    expect((await dig(bind.ports.dns, 'malware.bad.test', 'A')).status).toBe('NXDOMAIN');
    expect((await dig(bind.ports.dns, 'phish.bad.test', 'A')).answers).toEqual(['127.0.0.2']);
    const rpzLine = await waitFor(async () =>
      (await readFile(bind.layout.rpzLog, 'utf8').catch(() => ''))
        .split('\n')
        .find((l) =>
          l.includes(
            'rpz QNAME NXDOMAIN rewrite malware.bad.test/A/IN via malware.bad.test.rpz.local',
          ),
        ),
    );
    expect(rpzLine).toMatch(
      /rpz: info: client @0x[0-9a-f]+ 127\.0\.0\.1#\d+ \(malware\.bad\.test\)/,
    );
    const queryLine = await waitFor(async () =>
      (await readFile(bind.layout.queryLog, 'utf8').catch(() => ''))
        .split('\n')
        .find((l) => l.includes('query: malware.bad.test IN A')),
    );
    expect(queryLine).toMatch(/queries: info: client @0x/);
    const second = await bind.writer.putRpz([]);
    expect(second.serial).toBeGreaterThan(rpzSerial);
    // Rule gone: the name resolves through the forwarder again.
    expect((await dig(bind.ports.dns, 'malware.bad.test', 'A')).answers).toEqual(['10.6.6.6']);
  });

  it('statistics channel counters grow with queries; zones carry serials', async () => {
    const before = await bind.stats.server();
    for (let i = 0; i < 3; i++) await dig(bind.ports.dns, 'www.example.test', 'A');
    const after = await bind.stats.server();
    expect((after.nsstats.Requestv4 ?? 0) - (before.nsstats.Requestv4 ?? 0)).toBeGreaterThanOrEqual(
      3,
    );
    expect(after.qtypes.A ?? 0).toBeGreaterThan(before.qtypes.A ?? 0);
    expect(after.rcodes.NXDOMAIN ?? 0).toBeGreaterThanOrEqual(1);
    expect(after.version).toMatch(/^9\./);
    const zones = await bind.stats.zones();
    expect(zones.find((z) => z.name === ZONE)).toMatchObject({
      serial,
      type: 'primary',
      view: '_default',
    });
  });

  it('notices a reload done outside the app but not its own writes', async () => {
    const changes: ReloadChange[] = [];
    let ready = false;
    const stopWatch = watchExternalReloads({
      intervalMs: 100,
      read: async () => {
        const snap = await statsReloadSnapshot(bind.stats);
        ready = true;
        return snap;
      },
      onChange: (c) => changes.push(c),
      isExpected: (c) => c.kind === 'zone' && bind.writer.ownsSerial(c.zone, c.after),
    });
    try {
      await waitFor(() => ready);
      await sleep(150);
      serial += 1;
      await bind.writer.putZone(zoneSpec(serial), records('192.0.2.30'));
      await sleep(300);
      expect(changes).toEqual([]);
      await sleep(1000); // config-time has millisecond precision, but keep the boundary clear
      await bind.tools.rndc(['reload']);
      const change = await waitFor(() => changes.find((c) => c.kind === 'config'));
      expect(change.before).not.toBe(change.after);
    } finally {
      stopWatch();
    }
  });

  it('restarts named after SIGKILL, from the state re-rendered, and serves again', async () => {
    // The zone is in the state; the forward zone added earlier is not, so it must be gone.
    truth = {
      zones: [{ zone: zoneSpec(serial), records: records('192.0.2.30') }],
      forwarders: [{ address: '127.0.0.1', port: upstream.port }],
      rpzRules: [],
      server,
    };
    expect((await dig(bind.ports.dns, 'host.corp.test', 'A')).answers).toEqual(['10.1.2.3']);
    const pid = bind.supervisor.pid;
    expect(pid).toBeTypeOf('number');
    process.kill(pid as number, 'SIGKILL');
    const restarted = await waitFor(() => events.find((e) => e.type === 'restarted'), 10_000);
    const exited = events.find((e) => e.type === 'exited');
    expect(exited).toEqual({ type: 'exited', code: null, signal: 'SIGKILL', restartInMs: 200 });
    expect(restarted).toMatchObject({ type: 'restarted', attempt: 1 });
    expect(bind.supervisor.pid).not.toBe(pid);
    expect(bind.supervisor.state).toBe('running');
    expect((await dig(bind.ports.dns, 'www.example.test', 'A')).answers).toEqual(['192.0.2.30']);
    expect(bind.writer.state().zones.map((z) => z.name)).toEqual([ZONE]);
    expect(await readFile(bind.layout.namedConf, 'utf8')).not.toContain('corp.test');
  });
});

describe('supervisor start failure', () => {
  it('reports named start-up errors with its own log line', async () => {
    const d = await tempDir();
    try {
      const ports = await freeBindPorts();
      const layout = bindLayout(d.dir);
      const binaries = bindBinaries();
      const tools = new BindTools({
        binaries,
        rndc: { confFile: layout.rndcConf, host: '127.0.0.1', port: ports.rndc },
      });
      const supervisor = new NamedSupervisor({
        binaries,
        layout,
        tools,
        startTimeoutMs: 5000,
        writeConfig: () =>
          writeFile(layout.namedConf, `options { directory "${d.dir}"; bogus-option yes; };\n`),
      });
      const err = await supervisor.start().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('BIND_UNAVAILABLE');
      expect((err as AppError).message).toMatch(
        /named did not start \(named exited\): .*unknown option 'bogus-option'/,
      );
      expect(((err as AppError).details as { log: string[] }).log.join('\n')).toContain(
        'exiting (due to fatal error)',
      );
      await supervisor.stop();
    } finally {
      await d.remove();
    }
  });

  it('gives up after repeated failed restarts and leaves no named behind', async () => {
    const d = await tempDir();
    const seen: SupervisorEvent[] = [];
    const ports = await freeBindPorts();
    const layout = bindLayout(d.dir);
    const binaries = bindBinaries();
    const tools = new BindTools({
      binaries,
      rndc: { confFile: layout.rndcConf, host: '127.0.0.1', port: ports.rndc },
    });
    let broken = false;
    const other = createManagedBind({
      dataDir: d.dir,
      binaries,
      ports,
      restart: { initialDelayMs: 50, maxAttempts: 2 },
      initialState: () => {
        if (broken) throw new Error('database unavailable');
        return { zones: [], forwarders: [] };
      },
      onEvent: (e) => seen.push(e),
    });
    const stopOther = await other.start();
    try {
      const pid = other.supervisor.pid as number;
      // Make the state unreadable so every restart fails (before launching named), then crash it.
      broken = true;
      process.kill(pid, 'SIGKILL');
      const gaveUp = await waitFor(() => seen.find((e) => e.type === 'gave_up'), 10_000);
      expect(gaveUp).toMatchObject({ type: 'gave_up', attempts: 2 });
      expect(
        seen
          .filter((e) => e.type === 'exited')
          .map((e) => (e as { restartInMs: number | null }).restartInMs),
      ).toEqual([50, 100, null]);
      expect(other.supervisor.state).toBe('gave_up');
      expect(isAlive(pid)).toBe(false);
      await expect(tools.status()).rejects.toMatchObject({ code: 'BIND_UNAVAILABLE' });
    } finally {
      await stopOther();
      await d.remove();
    }
  });
});
