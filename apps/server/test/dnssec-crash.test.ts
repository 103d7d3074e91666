import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiInit } from '@hdns/testkit';
import { zoneSchema } from '@hdns/protocol/rest';
import { bindLayout, type BindPorts } from '../src/bind/bind-layout.js';
import { BindTools } from '../src/bind/bind-tools.js';
import { stopStaleNamed } from '../src/bind/stale-named.js';
import { bindBinaries, dig, freeBindPorts } from './bind-helpers.js';
import { createZoneWithWww } from './helpers.js';
import { restartableServer, type RestartableServer } from './process.js';

/**
 * A signed zone and a crash between "BIND applied" and "database stored" (the fault point
 * `bind-after-apply`, as bind-crash-resync.test.ts does for unsigned zones): named's journal and
 * signed copy hold the lost change, and would roll it forward onto the database's zone file. The
 * next start must drop them, so the change is gone from DNS too and the zone is served signed.
 */

const ZONE = 'crash-signed.test';
const run = promisify(execFile);
let srv: RestartableServer;
let ports: BindPorts;
let rndc: BindTools;
const api = (pathname: string, init?: ApiInit) => srv.api(pathname, init);
const layout = () => bindLayout(path.join(srv.dataDir, 'bind'));

beforeAll(async () => {
  ports = await freeBindPorts();
  srv = await restartableServer({
    prefix: 'hdns-dnssec-crash-',
    adminPassword: 'dnssec-crash-password',
    env: {
      HDNS_BIND_MODE: 'managed',
      HDNS_BIND_DNS_PORT: String(ports.dns),
      HDNS_BIND_RNDC_PORT: String(ports.rndc),
      HDNS_BIND_STATS_PORT: String(ports.stats),
    },
    seed: async (first) => {
      await createZoneWithWww(first.api, ZONE);
      const version = zoneSchema.parse((await first.api(`/api/zones/${ZONE}`)).body).version;
      const on = await first.api(`/api/zones/${ZONE}`, {
        method: 'PATCH',
        body: { version, dnssecPolicy: 'default' },
      });
      if (on.status !== 200) throw new Error(`signing: ${on.status}`);
    },
  });
  rndc = new BindTools({
    binaries: bindBinaries(),
    rndc: { confFile: layout().rndcConf, host: '127.0.0.1', port: ports.rndc },
  });
}, 60_000);

afterAll(async () => {
  if (!srv) return;
  await srv.stop();
  await stopStaleNamed(layout().pidFile, layout().namedConf);
  await srv.close();
});

async function signedAnswer(name: string): Promise<string> {
  const { stdout } = await run('dig', [
    '@127.0.0.1',
    '-p',
    String(ports.dns),
    '+dnssec',
    '+norec',
    '+noall',
    '+answer',
    '+time=2',
    '+tries=1',
    name,
    'A',
  ]);
  return stdout;
}

describe('a crash while changing a signed zone', () => {
  it('the lost change is neither stored nor served after the restart', async () => {
    const answer = await srv.crashAt('bind-after-apply', () =>
      api(`/api/zones/${ZONE}/records`, {
        method: 'POST',
        body: { name: 'lost', type: 'A', value: '192.0.2.66' },
      }).then(
        (r) => `answered ${r.status}`,
        () => 'no answer',
      ),
    );
    expect(answer).toBe('no answer');
    // The orphaned named serves the change, signed.
    expect((await dig(ports.dns, `lost.${ZONE}`)).answers).toEqual(['192.0.2.66']);

    await srv.start();
    expect((await dig(ports.dns, `lost.${ZONE}`)).status).toBe('NXDOMAIN');
    const stored = zoneSchema.parse((await api(`/api/zones/${ZONE}`)).body);
    expect((await rndc.zoneStatus(ZONE))?.serial).toBe(stored.serial);
    const deadline = Date.now() + 10_000;
    let www = await signedAnswer(`www.${ZONE}`);
    while (!/\sRRSIG\s+A\s/.test(www) && Date.now() < deadline)
      www = await signedAnswer(`www.${ZONE}`);
    expect(www).toMatch(/\sRRSIG\s+A\s/);
    await srv.stop();
  }, 60_000);
});
