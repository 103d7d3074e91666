import { readFile, stat, utimes } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/http/app-error.js';
import { bindLayout, type BindLayout } from '../src/bind/bind-layout.js';
import { BindTools, type CheckResult } from '../src/bind/bind-tools.js';
import type { ZoneStatus } from '../src/bind/rndc-parsers.js';
import { ZoneWriter } from '../src/bind/zone-writer.js';
import { nextSerial } from '../src/lib/serial.js';
import { bindBinaries, freePort, tempDir } from './bind-helpers.js';

/**
 * The zone writer's failure paths that a healthy named never shows: BIND keeping the old serial
 * after a reload (the file must be rolled back) and BIND answering "up-to-date" (mtime pushed).
 * Fake tools stand in for rndc; named-checkzone stays real.
 */

class FakeTools extends BindTools {
  loadedSerial = 0;
  acceptReloads = true;
  upToDateOnce = false;
  readonly calls: string[] = [];

  constructor(private readonly layout: BindLayout) {
    super({
      binaries: bindBinaries(),
      rndc: { confFile: '/nonexistent', host: '127.0.0.1', port: 1 },
    });
  }

  override checkConf(): Promise<CheckResult> {
    return Promise.resolve({ ok: true, message: 'OK' });
  }

  override async reloadZone(zone: string): Promise<string> {
    this.calls.push(`reload ${zone}`);
    if (this.upToDateOnce) {
      this.upToDateOnce = false;
      return 'zone reload up-to-date';
    }
    if (this.acceptReloads) {
      const text = await readFile(this.layout.zoneFile(zone), 'utf8');
      this.loadedSerial = Number(/(\d+) ; serial/.exec(text)?.[1]);
    }
    return 'zone reload queued';
  }

  override reconfig(): Promise<void> {
    this.calls.push('reconfig');
    return this.reloadZone('example.test').then(() => undefined);
  }

  override zoneStatus(): Promise<ZoneStatus | null> {
    return Promise.resolve({
      name: 'example.test',
      type: 'primary',
      files: null,
      serial: this.loadedSerial,
      signedSerial: null,
      nodes: null,
      lastLoaded: null,
      loaded: true,
      raw: {},
    });
  }
}

let dir: { dir: string; remove: () => Promise<void> };
let layout: BindLayout;
let tools: FakeTools;
let writer: ZoneWriter;
const zone = (serial: number) => ({
  name: 'example.test',
  type: 'primary' as const,
  defaultTtl: 60,
  serial,
});
const www = (ip: string) => [{ name: 'www', type: 'A' as const, value: ip }];

beforeAll(async () => {
  dir = await tempDir();
  layout = bindLayout(dir.dir);
  tools = new FakeTools(layout);
  writer = new ZoneWriter({
    tools,
    layout,
    renderConfig: () => '',
    confirmTimeoutMs: 300,
    pollIntervalMs: 20,
  });
  await writer.bootstrap({ zones: [], forwarders: [] });
  await writer.putZone(zone(10), www('192.0.2.1'));
});
afterAll(async () => {
  await dir.remove();
});

describe('zone writer failure paths', () => {
  it('rolls the file back and throws BIND_RELOAD_FAILED when BIND keeps the old serial', async () => {
    tools.acceptReloads = false;
    try {
      const err = await writer.putZone(zone(11), www('192.0.2.2')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('BIND_RELOAD_FAILED');
      expect((err as AppError).details).toMatchObject({
        zone: 'example.test',
        expectedSerial: 11,
        loadedSerial: 10,
      });
      const text = await readFile(layout.zoneFile('example.test'), 'utf8');
      expect(text).toContain('192.0.2.1');
      expect(text).toContain('10 ; serial');
      expect(writer.appliedSerial('example.test')).toBe(10);
    } finally {
      tools.acceptReloads = true;
    }
  });

  it('pushes the mtime ahead and reloads again when BIND says up-to-date', async () => {
    tools.upToDateOnce = true;
    tools.calls.length = 0;
    const result = await writer.putZone(zone(12), www('192.0.2.3'));
    expect(result).toEqual({ zone: 'example.test', serial: 12, applied: 'reload' });
    expect(tools.calls).toEqual(['reload example.test', 'reload example.test']);
    const { mtimeMs } = await stat(layout.zoneFile('example.test'));
    expect(mtimeMs).toBeGreaterThan(Date.now());
  });

  it('refuses a serial that does not grow, and takes the next one', async () => {
    const err = await writer.putZone(zone(12), www('192.0.2.4')).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('INVALID_RECORD');
    const next = nextSerial(12);
    expect(next).toBeGreaterThan(12);
    await expect(writer.putZone(zone(next), www('192.0.2.4'))).resolves.toMatchObject({
      serial: next,
    });
  });

  it('refuses the RPZ zone name for ordinary zones', async () => {
    const err = await writer.putZone({ ...zone(1), name: 'rpz.local' }).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('INVALID_RECORD');
  });
});

describe('bootstrap (the start-up resync)', () => {
  it('rewrites only what differs from the database, so unchanged files need no disk space', async () => {
    const fresh = await tempDir();
    try {
      const l = bindLayout(fresh.dir);
      const w = new ZoneWriter({ tools: new FakeTools(l), layout: l, renderConfig: () => '' });
      const input = {
        zones: [{ zone: zone(7), records: www('192.0.2.7') }],
        forwarders: [],
        rpzRules: [{ name: 'bad.test', action: 'nxdomain' as const }],
      };
      await w.bootstrap(input);
      const files = [l.zoneFile('example.test'), l.zoneFile('rpz.local'), l.namedConf];
      const old = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000); // whole seconds
      for (const f of files) await utimes(f, old, old);
      await w.bootstrap(input);
      for (const f of files) expect(Math.round((await stat(f)).mtimeMs)).toBe(old.getTime());
      await w.bootstrap({ ...input, zones: [{ zone: zone(8), records: www('192.0.2.8') }] });
      expect(await readFile(l.zoneFile('example.test'), 'utf8')).toContain('192.0.2.8');
      expect((await stat(l.zoneFile('example.test'))).mtimeMs).toBeGreaterThan(old.getTime());
    } finally {
      await fresh.remove();
    }
  });
});

describe('rndc errors', () => {
  it('maps an unreachable server to BIND_UNAVAILABLE', async () => {
    const real = new BindTools({
      binaries: bindBinaries(),
      rndc: { confFile: layout.rndcConf, host: '127.0.0.1', port: await freePort() },
      timeoutMs: 3000,
    });
    const err = await real.status().catch((e: unknown) => e);
    expect((err as AppError).code).toBe('BIND_UNAVAILABLE');
  });
});
