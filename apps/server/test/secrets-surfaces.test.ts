import { lookupUser } from '../src/bind/named-user.js';
import { spawn } from 'node:child_process';
import { chmod, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import {
  apiRequest,
  makeTempDir,
  removeDir,
  freePort,
  startServerProcess,
  type ServerProcess,
} from '@hdns/testkit';
import { freeBindPorts } from './bind-helpers.js';
import { startTestServer, type TestServer } from './helpers.js';

/**
 * Issue 11, item 10: what the server exposes besides its API. Real server processes (main.ts),
 * a real named, real files.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

async function modeOf(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

async function waitForFile(file: string, ms = 20_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const text = (await readFile(file, 'utf8')).trim();
      if (text) return text;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw new Error(`${file} did not appear`);
    await sleep(50);
  }
}

describe('named and the BIND tools run without the server environment', () => {
  const JWT = 'jwt-secret-in-the-server-environment-0123456789';
  const PASSWORD = 'admin-password-in-the-environment';
  let proc: ServerProcess;
  let dataDir: string;

  it('named has none of the server environment in /proc/<pid>/environ', async () => {
    dataDir = await makeTempDir('hdns-env-');
    cleanup.push(() => removeDir(dataDir));
    const ports = await freeBindPorts();
    proc = await startServerProcess(
      {
        HDNS_DATA_DIR: dataDir,
        HDNS_BIND_MODE: 'managed',
        HDNS_BIND_DNS_PORT: String(ports.dns),
        HDNS_BIND_RNDC_PORT: String(ports.rndc),
        HDNS_BIND_STATS_PORT: String(ports.stats),
        HDNS_JWT_SECRET: JWT,
        HDNS_ADMIN_PASSWORD: PASSWORD,
        HDNS_METRICS_TOKEN: 'metrics-token-in-the-environment',
      },
      await freePort(),
    );
    cleanup.push(() => proc.stop());
    const pid = Number(await waitForFile(path.join(dataDir, 'bind', 'named.pid')));
    expect(pid).toBeGreaterThan(1);
    const environ = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0').filter(Boolean);
    const names = environ.map((e) => e.slice(0, e.indexOf('=')));
    expect(names).toContain('PATH');
    expect(names.filter((n) => n.startsWith('HDNS_'))).toEqual([]);
    const all = environ.join('\n');
    expect(all).not.toContain(JWT);
    expect(all).not.toContain(PASSWORD);
    // The server process itself did have them: the test would notice a wrong pid.
    const server = await readFile(`/proc/${String(proc.child.pid)}/environ`, 'utf8');
    expect(server).toContain(JWT);
  }, 60_000);

  it('the rndc key, its config and the databases are 0600, the data dir 0700 (0711 for named as bind)', async () => {
    const res = await apiRequest(`${proc.url}/api/auth/login`, {
      method: 'POST',
      body: { username: 'admin', password: PASSWORD },
    });
    expect(res.status).toBe(200);
    // named running as user bind must reach <data>/bind: searchable, never listable.
    const asBind = process.getuid?.() === 0 && lookupUser('bind') !== null;
    expect(await modeOf(dataDir)).toBe(asBind ? 0o711 : 0o700);
    const secrets = ['bind/rndc.key', 'bind/rndc.conf', 'bind/session.key'];
    for (const file of [...secrets, 'hdns.sqlite', 'events.sqlite']) {
      expect([file, await modeOf(path.join(dataDir, file))]).toEqual([file, 0o600]);
    }
    for (const db of ['hdns.sqlite', 'events.sqlite']) {
      for (const extra of ['-wal', '-shm']) {
        const file = `${db}${extra}`;
        expect([file, await modeOf(path.join(dataDir, file))]).toEqual([file, 0o600]);
      }
    }
  });
});

describe('the databases of an older install', () => {
  it('a crash leaves -wal/-shm files; wider modes on them are tightened to 0600 at the next start', async () => {
    const dataDir = await makeTempDir('hdns-modes-');
    cleanup.push(() => removeDir(dataDir));
    const port = await freePort();
    const env = { HDNS_DATA_DIR: dataDir, HDNS_ADMIN_PASSWORD: 'older-install-password' };
    const crashed = await startServerProcess(env, port);
    cleanup.push(() => crashed.stop());
    // A login writes to both databases (refresh token, audit row; user_login event).
    const login = await apiRequest(`${crashed.url}/api/auth/login`, {
      method: 'POST',
      body: { username: 'admin', password: env.HDNS_ADMIN_PASSWORD },
    });
    expect(login.status).toBe(200);
    // SIGKILL: SQLite gets no chance to checkpoint and remove its sidecar files.
    await crashed.kill();
    const files = ['hdns.sqlite', 'events.sqlite'].flatMap((db) =>
      ['', '-wal', '-shm'].map((extra) => `${db}${extra}`),
    );
    // As a restore from a backup or a hand-made copy might leave them.
    for (const file of files) await chmod(path.join(dataDir, file), 0o644);

    const again = await startServerProcess(env, port);
    cleanup.push(() => again.stop());
    for (const file of files) {
      expect([file, await modeOf(path.join(dataDir, file))]).toEqual([file, 0o600]);
    }
  }, 60_000);
});

describe('the generated first-admin password', () => {
  it('goes to a 0600 file in the data dir, not to a stdout that is no terminal', async () => {
    const dataDir = await makeTempDir('hdns-pw-');
    cleanup.push(() => removeDir(dataDir));
    const proc = await startServerProcess(
      { HDNS_DATA_DIR: dataDir, HDNS_ADMIN_PASSWORD: '' },
      await freePort(),
    );
    cleanup.push(() => proc.stop());
    const file = path.join(dataDir, 'initial-admin-password');
    expect(await modeOf(file)).toBe(0o600);
    const password = (await readFile(file, 'utf8')).trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const login = await apiRequest(`${proc.url}/api/auth/login`, {
      method: 'POST',
      body: { username: 'admin', password },
    });
    expect(login.status).toBe(200);
    // The log says where the file is; the password itself appears nowhere in the output.
    expect(proc.output()).toContain(file);
    expect(proc.output()).not.toContain(password);
    for (const secret of ['jwt-secret', 'hdns.sqlite', 'events.sqlite']) {
      expect([secret, await modeOf(path.join(dataDir, secret))]).toEqual([secret, 0o600]);
    }
    expect(await modeOf(dataDir)).toBe(0o700);

    // A restart keeps the admin and does not generate again.
    await proc.stop();
    const again = await startServerProcess({ HDNS_DATA_DIR: dataDir }, await freePort());
    cleanup.push(() => again.stop());
    expect(again.output()).not.toContain('generated password');
    expect((await readFile(file, 'utf8')).trim()).toBe(password);
  }, 60_000);
});

describe('the generated password on a terminal', () => {
  it('is printed when stdout is a terminal (under script(1), a real pseudo-terminal)', async () => {
    const dataDir = await makeTempDir('hdns-tty-');
    cleanup.push(() => removeDir(dataDir));
    const port = await freePort();
    const child = spawn(
      'script',
      ['-qfec', `${process.execPath} --import tsx apps/server/src/main.ts`, '/dev/null'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          HDNS_HOST: '127.0.0.1',
          HDNS_PORT: String(port),
          HDNS_DATA_DIR: dataDir,
          HDNS_ADMIN_PASSWORD: '',
          HDNS_BIND_MODE: 'off',
          HDNS_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    cleanup.push(async () => {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      await exited;
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!out.includes('Log in, change it') && Date.now() < deadline && child.exitCode === null) {
      await sleep(100);
    }
    const password = (await readFile(path.join(dataDir, 'initial-admin-password'), 'utf8')).trim();
    expect(out).toContain('First start: created user "admin" with the generated password');
    expect(out).toContain(password);
  }, 60_000);
});

describe('/metrics access', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });
  const start = async (env: Record<string, string>) => {
    const s = await startTestServer({ env });
    servers.push(s);
    return s;
  };
  const TOKEN = 'a-metrics-token-of-some-length';

  it('is open when nothing is configured', async () => {
    const s = await start({});
    expect((await fetch(`${s.url}/metrics`)).status).toBe(200);
  });

  it('needs the bearer token when HDNS_METRICS_TOKEN is set: 401 without, 200 with', async () => {
    const s = await start({ HDNS_METRICS_TOKEN: TOKEN });
    const none = await apiRequest(`${s.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await fetch(`${s.url}/metrics`, {
      headers: { authorization: `Bearer x${TOKEN}` },
    });
    expect(wrong.status).toBe(401);
    const basic = await fetch(`${s.url}/metrics`, { headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.status).toBe(401);
    const ok = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('hdns_process_cpu');
  });

  it('answers 403 outside HDNS_METRICS_ALLOW and checks the token inside it', async () => {
    const outside = await start({ HDNS_METRICS_ALLOW: '10.0.0.0/8, 2001:db8::/32' });
    const denied = await apiRequest(`${outside.url}/metrics`);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 'FORBIDDEN' });
    const inside = await start({ HDNS_METRICS_ALLOW: '127.0.0.0/8', HDNS_METRICS_TOKEN: TOKEN });
    expect((await fetch(`${inside.url}/metrics`)).status).toBe(401);
    const ok = await fetch(`${inside.url}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(ok.status).toBe(200);
  });
});

describe('security headers', () => {
  it('every response carries the CSP and friends; /docs has its own policy', async () => {
    const s = await startTestServer();
    cleanup.push(() => s.close());
    for (const url of ['/', '/zones/example.com', '/api/auth/me', '/healthz']) {
      const res = await fetch(`${s.url}${url}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect([url, csp]).toEqual([url, expect.stringContaining("script-src 'self'")]);
      expect(csp).toContain("connect-src 'self' ws: wss:");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
    }
    const docs = await fetch(`${s.url}/docs/static/index.html`);
    expect(docs.status).toBe(200);
    const docsCsp = docs.headers.get('content-security-policy') ?? '';
    // Swagger UI's own policy (its pages load no inline script either), not the dashboard's.
    expect(docsCsp).toMatch(/script-src 'self'/);
    expect(docsCsp).toContain('validator.swagger.io');
    expect(/script-src [^;]*/.exec(docsCsp)?.[0]).not.toContain('unsafe-inline');
    expect(docsCsp).not.toContain('upgrade-insecure-requests');
  });
});
