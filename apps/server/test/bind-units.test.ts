import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decideBindMode } from '../src/bind/bind-mode.js';
import { bindLayout } from '../src/bind/bind-layout.js';
import { BindTools } from '../src/bind/bind-tools.js';
import {
  diffSnapshots,
  watchExternalReloads,
  type ReloadChange,
  type ReloadSnapshot,
} from '../src/bind/external-reload-watch.js';
import { forwarderEntry, renderNamedConf } from '../src/bind/named-config.js';
import { parseRndcStatus, parseZoneStatus } from '../src/bind/rndc-parsers.js';
import { ensureRndcKey } from '../src/bind/rndc-key.js';
import { nextSerial } from '../src/lib/serial.js';
import { bindBinaries, tempDir } from './bind-helpers.js';

describe('nextSerial', () => {
  const day = new Date('2026-11-22T23:59:00Z');
  it('starts the day at YYYYMMDD01 and counts up', () => {
    expect(nextSerial(null, day)).toBe(2026112201);
    expect(nextSerial(undefined, day)).toBe(2026112201);
    expect(nextSerial(2026112101, day)).toBe(2026112201);
    expect(nextSerial(7, day)).toBe(2026112201);
    expect(nextSerial(2026112201, day)).toBe(2026112202);
  });
  it('stays strictly increasing past 99 changes a day and across a clock going back', () => {
    expect(nextSerial(2026112299, day)).toBe(2026112300);
    expect(nextSerial(2026112300, day)).toBe(2026112301);
    expect(nextSerial(2026112500, day)).toBe(2026112501);
  });
  it('refuses to wrap past 2^32 - 1', () => {
    expect(() => nextSerial(4_294_967_295, day)).toThrow(RangeError);
  });
});

describe('rndc parsers', () => {
  it('parses rndc status', () => {
    const s = parseRndcStatus(
      'version: BIND 9.18.49 <id:>\nboot time: Sun, 22 Nov 2026 13:13:10 GMT\nlast configured: Sun, 22 Nov 2026 13:13:11 GMT\n' +
        'number of zones: 2 (0 automatic)\nrecursive clients: 0/900/1000\ntcp clients: 3/150\nquery logging is ON\nserver is up and running\n',
    );
    expect(s).toMatchObject({
      version: 'BIND 9.18.49 <id:>',
      lastConfigured: 'Sun, 22 Nov 2026 13:13:11 GMT',
      numberOfZones: 2,
      recursiveClients: 0,
      tcpClients: 3,
      queryLogging: true,
      running: true,
    });
  });
  it('parses rndc zonestatus', () => {
    const z = parseZoneStatus(
      'name: ex.test\ntype: primary\nfiles: /d/db.ex.test\nserial: 3\nnodes: 3\nlast loaded: Sun, 22 Nov 2026 13:13:12 GMT\n',
    );
    expect(z).toMatchObject({
      name: 'ex.test',
      type: 'primary',
      serial: 3,
      nodes: 3,
      loaded: true,
    });
    expect(parseZoneStatus('').loaded).toBe(false);
  });
});

describe('bind mode', () => {
  const complete = {
    found: {},
    missing: [],
    complete: {
      named: '/usr/sbin/named',
      rndc: 'r',
      rndcConfgen: 'g',
      namedCheckzone: 'z',
      namedCheckconf: 'c',
    },
  };
  const missing = { found: {}, missing: ['named'], complete: null };
  const system = {
    zonesDir: '/var/lib/bind/hdns',
    includeFile: '/var/lib/bind/hdns/zones.conf',
    rndcKeyFile: '/etc/bind/rndc.key',
    rndcKeyName: 'rndc-key',
    ports: { dns: 53, rndc: 953, stats: 8053 },
  };
  it('picks managed when named is there, off when it is not or when configured off', () => {
    expect(decideBindMode({ locate: () => complete }).mode).toBe('managed');
    const off = decideBindMode({ locate: () => missing });
    expect(off).toMatchObject({ mode: 'off', reason: expect.stringContaining('named') });
    expect(decideBindMode({ requested: 'off', locate: () => complete }).mode).toBe('off');
    expect(decideBindMode({ requested: 'managed', locate: () => missing }).mode).toBe('off');
  });
  it('uses system mode only with its settings', () => {
    expect(decideBindMode({ requested: 'system', locate: () => complete }).mode).toBe('off');
    const d = decideBindMode({ requested: 'system', system, locate: () => complete });
    expect(d).toMatchObject({ mode: 'system', reason: expect.stringContaining('953') });
  });
  it('finds the real tools on this machine', () => {
    expect(decideBindMode().mode).toBe('managed');
  });
});

describe('named.conf renderer', () => {
  let dir: { dir: string; remove: () => Promise<void> };
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('renders forwarders in BIND syntax and validates them', () => {
    expect(forwarderEntry('192.0.2.1')).toBe('192.0.2.1;');
    expect(forwarderEntry('192.0.2.1#5353')).toBe('192.0.2.1 port 5353;');
    expect(forwarderEntry('2001:db8::1', 53)).toBe('2001:db8::1 port 53;');
    expect(() => forwarderEntry('evil; };')).toThrow();
  });

  it('renders a config named-checkconf accepts, with zones, forwarders, logging and RPZ', async () => {
    const layout = bindLayout(dir.dir);
    const bins = bindBinaries();
    await ensureRndcKey({
      rndcConfgen: bins.rndcConfgen,
      keyFile: layout.rndcKey,
      keyName: 'hdns-key',
      confFile: layout.rndcConf,
    });
    const text = renderNamedConf({
      layout,
      ports: { dns: 5300, rndc: 9530, stats: 8530 },
      rndcKeyName: 'hdns-key',
      forwarders: [{ address: '192.0.2.53' }, { address: '192.0.2.54', port: 5353 }],
      zones: [
        { name: 'example.test', type: 'primary', defaultTtl: 300, serial: 1 },
        {
          name: 'corp.test',
          type: 'forward',
          defaultTtl: 300,
          serial: 1,
          forwarders: ['10.0.0.1#5353'],
          forwardPolicy: 'first',
        },
      ],
    });
    expect(text).toContain(
      `controls { inet 127.0.0.1 port 9530 allow { 127.0.0.1; } keys { "hdns-key"; }; };`,
    );
    expect(text).toContain('listen-on port 5300 { 127.0.0.1; };');
    expect(text).toContain('statistics-channels { inet 127.0.0.1 port 8530');
    expect(text).toContain('forwarders { 192.0.2.53; 192.0.2.54 port 5353; };\n  forward only;');
    expect(text).toContain(
      'response-policy { zone "rpz.local" policy given log yes min-update-interval 0; }',
    );
    expect(text).toContain(
      `zone "example.test" {\n  type primary;\n  file "${layout.zoneFile('example.test')}";`,
    );
    expect(text).toContain(
      'zone "corp.test" {\n  type forward;\n  forward first;\n  forwarders { 10.0.0.1 port 5353; };',
    );
    expect(text).toContain(`file "${layout.queryLog}"`);
    const file = path.join(dir.dir, 'named.conf');
    await writeFile(file, text);
    const tools = new BindTools({
      binaries: bins,
      rndc: { confFile: layout.rndcConf, host: '127.0.0.1', port: 1 },
    });
    expect(await tools.checkConf(file)).toEqual({ ok: true, message: 'OK' });
    await writeFile(file, text.replace('notify no;', 'notify bogus;'));
    const bad = await tools.checkConf(file);
    expect(bad.ok).toBe(false);
    expect(bad.message).toContain('named.conf:');
  });
});

describe('external reload watch', () => {
  it('diffs snapshots', () => {
    const a: ReloadSnapshot = { configTime: 't1', zones: { x: 1, y: 2 } };
    const b: ReloadSnapshot = { configTime: 't2', zones: { x: 1, y: 3, z: 1 } };
    expect(diffSnapshots(a, b)).toEqual([
      { kind: 'config', before: 't1', after: 't2' },
      { kind: 'zone', zone: 'y', before: 2, after: 3 },
      { kind: 'zone', zone: 'z', before: null, after: 1 },
    ]);
  });

  it('reports unexpected changes after the baseline, skips failed reads, stops cleanly', async () => {
    vi.useFakeTimers();
    try {
      const snaps: (ReloadSnapshot | Error)[] = [
        { configTime: 't1', zones: { x: 1 } },
        new Error('down'),
        { configTime: 't1', zones: { x: 2 } },
        { configTime: 't2', zones: { x: 3 } },
      ];
      const seen: ReloadChange[] = [];
      const stop = watchExternalReloads({
        intervalMs: 1000,
        read: () => {
          const next = snaps.shift() ?? { configTime: 't2', zones: { x: 3 } };
          return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
        },
        onChange: (c) => seen.push(c),
        isExpected: (c) => c.kind === 'zone' && c.after === 2,
      });
      await vi.advanceTimersByTimeAsync(3500);
      expect(seen).toEqual([
        { kind: 'config', before: 't1', after: 't2' },
        { kind: 'zone', zone: 'x', before: 2, after: 3 },
      ]);
      stop();
      stop();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
