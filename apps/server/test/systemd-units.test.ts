/**
 * The systemd units in docs/deploy, as written, with only their install paths replaced
 * (/opt/hdns → this checkout, /etc/hdns → a temp dir, /var/lib/hdns → a temp dir,
 * /usr/bin/node → this Node): `systemd-analyze verify` accepts them without a warning, and their
 * ExecStart, run with exactly the environment systemd would give it (EnvironmentFile= from the
 * example files, Environment=, %i), serves; SIGTERM stops it cleanly within TimeoutStopSec.
 * Two instances of the template on one PostgreSQL and Redis act as one server (BIND lease). No systemd runs
 * here (no PID 1 to ask), so the User= and hardening lines are checked by `verify` only.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiRequest,
  freePort,
  loginAt,
  makeTempDir,
  removeDir,
  REPO_ROOT,
  startPostgresServer,
  startRedisServer,
  waitFor,
} from '@hdns/testkit';
import { dig, freeBindPorts } from './bind-helpers.js';

const run = promisify(execFile);
const DEPLOY = path.join(REPO_ROOT, 'docs/deploy');
let dir: string;

beforeAll(async () => {
  dir = await makeTempDir('hdns-systemd-');
  await mkdir(path.join(dir, 'etc'));
});
afterAll(() => removeDir(dir));

/** A unit file with the install paths of this test. */
async function localUnit(name: string): Promise<string> {
  return (await readFile(path.join(DEPLOY, name), 'utf8'))
    .replaceAll('/opt/hdns', REPO_ROOT)
    .replaceAll('/etc/hdns/', `${dir}/etc/`)
    .replaceAll('/var/lib/hdns', `${dir}/state`)
    .replaceAll('/usr/bin/node', process.execPath);
}

/** `KEY=value` lines of an environment file (comments and blank lines skipped). */
function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) env[m[1]] = m[2];
  }
  return env;
}

/** What systemd would run: ExecStart and the environment, with `%i` = `instance`. */
async function serviceOf(unit: string, instance = '') {
  const lines = unit.replaceAll('%i', instance).split('\n');
  const values = (key: string) =>
    lines.filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
  const env: Record<string, string> = {};
  for (const file of values('EnvironmentFile')) {
    const optional = file.startsWith('-');
    const text = await readFile(optional ? file.slice(1) : file, 'utf8').catch((err: unknown) => {
      if (optional) return '';
      throw err;
    });
    Object.assign(env, parseEnvFile(text));
  }
  for (const assignments of values('Environment')) {
    for (const a of assignments.split(' ')) {
      const eq = a.indexOf('=');
      env[a.slice(0, eq)] = a.slice(eq + 1);
    }
  }
  const [exec] = values('ExecStart');
  const [cwd] = values('WorkingDirectory');
  const [stopSec] = values('TimeoutStopSec');
  if (!exec || !cwd || !stopSec) throw new Error('unit lacks ExecStart/WorkingDirectory');
  const [command = '', ...args] = exec.split(' ');
  return { command, args, env, cwd, stopMs: Number(stopSec) * 1000 };
}

/** Runs a unit's service until /readyz answers; returns its stop (SIGTERM, exit code). */
async function start(unit: string, instance = '') {
  const svc = await serviceOf(unit, instance);
  // StateDirectory=: systemd creates it before the start.
  await mkdir(svc.env.HDNS_DATA_DIR ?? '', { recursive: true, mode: 0o700 });
  const child = spawn(svc.command, svc.args, {
    cwd: svc.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...svc.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://${svc.env.HDNS_HOST ?? ''}:${svc.env.HDNS_PORT ?? ''}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stderr}`);
      return (await apiRequest(`${url}/readyz`).catch(() => ({ status: 0 }))).status === 200;
    },
    60_000,
    `${url} ready`,
    100,
  );
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), svc.stopMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return { url, env: svc.env, stop };
}

describe('systemd units in docs/deploy', () => {
  it('pass systemd-analyze verify without a warning', async () => {
    const unitsDir = path.join(dir, 'units');
    await mkdir(unitsDir);
    await writeFile(path.join(dir, 'etc/hdns.env'), '');
    await writeFile(path.join(dir, 'etc/cluster.env'), '');
    await writeFile(path.join(unitsDir, 'hdns.service'), await localUnit('hdns.service'));
    await writeFile(path.join(unitsDir, 'hdns@8081.service'), await localUnit('hdns@.service'));
    await writeFile(path.join(unitsDir, 'hdns.target'), await localUnit('hdns.target'));
    const { stderr } = await run('systemd-analyze', [
      'verify',
      ...['hdns.service', 'hdns@8081.service', 'hdns.target'].map((u) => path.join(unitsDir, u)),
    ]);
    expect(stderr).toBe('');
  });

  it('hdns.service runs the compiled server with its environment; SIGTERM stops it with 0', async () => {
    const ports = await freeBindPorts();
    const example = await readFile(path.join(DEPLOY, 'hdns.env.example'), 'utf8');
    await writeFile(
      path.join(dir, 'etc/hdns.env'),
      example.replace(/^HDNS_PORT=.*$/m, `HDNS_PORT=${await freePort()}`) +
        // The managed named of the example's defaults, on ports of its own.
        `HDNS_BIND_DNS_PORT=${ports.dns}\nHDNS_BIND_RNDC_PORT=${ports.rndc}\n` +
        `HDNS_BIND_STATS_PORT=${ports.stats}\nHDNS_ADMIN_PASSWORD=unit-test-password\n`,
    );
    const svc = await start(await localUnit('hdns.service'));
    try {
      // Its managed named serves what the API writes.
      const { accessToken: token } = await loginAt(svc.url, 'admin', 'unit-test-password');
      const zone = await apiRequest(`${svc.url}/api/zones`, { token, body: { name: 'unit.test' } });
      expect(zone.status).toBe(201);
      const record = await apiRequest(`${svc.url}/api/zones/unit.test/records`, {
        token,
        body: { name: 'www', type: 'A', value: '192.0.2.7' },
      });
      expect(record.status).toBe(201);
      expect((await dig(ports.dns, 'www.unit.test')).answers).toContain('192.0.2.7');
    } finally {
      expect(await svc.stop()).toBe(0);
    }
  }, 90_000);

  it('two hdns@ instances from the template share PostgreSQL and Redis', async () => {
    const [pg, redis] = await Promise.all([startPostgresServer(), startRedisServer()]);
    try {
      const example = await readFile(path.join(DEPLOY, 'hdns-cluster.env.example'), 'utf8');
      await writeFile(
        path.join(dir, 'etc/cluster.env'),
        example
          .replace(/^HDNS_DATABASE_URL=.*$/m, `HDNS_DATABASE_URL=${await pg.createDatabase('u')}`)
          .replace(/^HDNS_REDIS_URL=.*$/m, `HDNS_REDIS_URL=${redis.url}`)
          .replace(/^HDNS_JWT_SECRET=.*$/m, `HDNS_JWT_SECRET=${randomBytes(32).toString('hex')}`) +
          'HDNS_ADMIN_PASSWORD=unit-test-password\n',
      );
      const unit = await localUnit('hdns@.service');
      // Each instance's own file (EnvironmentFile=-/etc/hdns/%i.env): the example's BIND lease
      // lets either drive a managed named, here on ports of its own.
      const instance = async () => {
        const [port, bindPorts] = await Promise.all([freePort(), freeBindPorts()]);
        await writeFile(
          path.join(dir, `etc/${port}.env`),
          `HDNS_BIND_DNS_PORT=${bindPorts.dns}\nHDNS_BIND_RNDC_PORT=${bindPorts.rndc}\n` +
            `HDNS_BIND_STATS_PORT=${bindPorts.stats}\n`,
        );
        return start(unit, String(port));
      };
      const a = await instance();
      const b = await instance();
      try {
        expect(a.env.HDNS_DATA_DIR).not.toBe(b.env.HDNS_DATA_DIR);
        const { accessToken } = await loginAt(a.url, 'admin', 'unit-test-password');
        // Created on B: forwarded to whichever instance holds the BIND lease (A, which started
        // first; a 503 while its named starts).
        await waitFor(
          async () =>
            (
              await apiRequest(`${b.url}/api/zones`, {
                token: accessToken,
                body: { name: 'units.example' },
              })
            ).status === 201,
          30_000,
          'zone created through the lease holder',
          200,
        );
        const onA = await apiRequest(`${a.url}/api/zones/units.example`, { token: accessToken });
        expect(onA.status).toBe(200);
      } finally {
        expect(await a.stop()).toBe(0);
        expect(await b.stop()).toBe(0);
      }
    } finally {
      await redis.close();
      await pg.close();
    }
  }, 120_000);
});
