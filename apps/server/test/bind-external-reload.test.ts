import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig } from './bind-helpers.js';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';

/**
 * Reloads done outside the app: the test itself runs `rndc` against the managed named, the way
 * an admin would from a shell, and a WebSocket client receives bind_reload with trigger
 * `external`. The watcher polls the statistics channel (every 5 s), so waits are generous.
 */

const run = promisify(execFile);
let h: DnsHarness;

function rndc(...args: string[]): Promise<{ stdout: string }> {
  const managed = h.server.app.bind.managed;
  if (!managed) throw new Error('not in managed mode');
  return run('rndc', [
    '-c',
    managed.layout.rndcConf,
    '-s',
    '127.0.0.1',
    '-p',
    String(h.rndcPort),
    ...args,
  ]);
}

beforeAll(async () => {
  h = await startDnsHarness(['bind_reload', 'config_change']);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('reloads done outside the app', () => {
  it('a full `rndc reload` reaches a WebSocket client as bind_reload (trigger external)', async () => {
    expect((await rndc('reload')).stdout).toContain('server reload successful');
    const reload = await h.waitEvent(
      'bind_reload',
      (d) => d.trigger === 'external' && d.zone === null,
      20_000,
    );
    expect(reload).toMatchObject({
      event: 'bind_reload',
      data: { zone: null, trigger: 'external', success: true },
    });
    // Nobody in the app did it: no acting user, BIND is the source.
    expect(reload.meta).toMatchObject({ actor: null, source: 'bind' });
    // A bare reload names no setting that changed, so it is not a config_change.
    expect(h.eventsOf('config_change')).toEqual([]);
  }, 30_000);

  it('a hand-edited zone reloaded with `rndc reload ZONE` gives bind_reload with the zone and its new serial', async () => {
    const created = await h.api('/api/zones', { method: 'POST', body: { name: 'ext.test' } });
    expect(created.status).toBe(201);
    const serial = (created.body as { serial: number }).serial;
    await h.waitEvent('bind_reload', (d) => d.zone === 'ext.test' && d.trigger === 'api');

    const file = h.server.app.bind.managed?.layout.zoneFile('ext.test') ?? '';
    const text = await readFile(file, 'utf8');
    const bumped = serial + 1000;
    await writeFile(
      file,
      `${text.replace(`${serial} ; serial`, `${bumped} ; serial`)}hand\tIN\tA\t192.0.2.77\n`,
    );
    expect((await rndc('reload', 'ext.test')).stdout).toMatch(/zone reload (queued|up-to-date)/);
    const reload = await h.waitEvent(
      'bind_reload',
      (d) => d.zone === 'ext.test' && d.trigger === 'external',
      20_000,
    );
    expect(reload.data).toMatchObject({
      zone: 'ext.test',
      trigger: 'external',
      serial: bumped,
      success: true,
    });
    expect((await dig(h.dnsPort, 'hand.ext.test')).answers).toEqual(['192.0.2.77']);
    // The app's own writes are never reported as external.
    const ownExternal = h
      .eventsOf('bind_reload')
      .filter((e) => (e.data as { trigger: string }).trigger === 'external')
      .map((e) => (e.data as { serial?: number }).serial);
    expect(ownExternal).not.toContain(serial);
  }, 40_000);
});
