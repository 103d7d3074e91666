/**
 * The production build: `node apps/server/dist/main.js`, as `npm start` and the systemd unit run
 * it (vitest's global setup compiled it from today's sources). It must run with plain Node and
 * production dependencies only (a resolve hook refuses every dev dependency: tsx, esbuild,
 * vitest, …), serve the API and the dashboard, and log JSON lines when stdout is not a terminal
 * and readable lines when it is (a real pseudo-terminal through script(1)).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiRequest,
  freePort,
  makeTempDir,
  removeDir,
  REPO_ROOT,
  sleep,
  startServerProcess,
  TEST_ADMIN_PASSWORD,
  type ServerProcess,
} from '@hdns/testkit';

function packageJson(rel: string): {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
} {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, rel, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
}

/** Dev dependencies of the repository that the server's production tree does not also list. */
function devOnlyPackages(): string[] {
  const production = new Set<string>();
  for (const rel of ['apps/server', 'packages/hub', 'packages/protocol']) {
    for (const dep of Object.keys(packageJson(rel).dependencies ?? {})) production.add(dep);
  }
  const dev = new Set<string>();
  for (const rel of ['.', 'apps/server', 'packages/hub', 'packages/protocol']) {
    for (const dep of Object.keys(packageJson(rel).devDependencies ?? {})) dev.add(dep);
  }
  return [...dev].filter((d) => !production.has(d));
}

const HOOKS = `
let denied = new Set();
export async function initialize(data) { denied = new Set(data.denied); }
export async function resolve(specifier, context, next) {
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (denied.has(name)) {
    throw new Error('dev dependency ' + name + ' imported at run time by ' + context.parentURL);
  }
  return next(specifier, context);
}
`;

let tmp: string;
let registerFile: string;
const cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  tmp = await makeTempDir('hdns-compiled-');
  const hooksUrl = pathToFileURL(path.join(tmp, 'deny-dev-hooks.mjs')).href;
  await writeFile(path.join(tmp, 'deny-dev-hooks.mjs'), HOOKS);
  registerFile = path.join(tmp, 'deny-dev-register.mjs');
  await writeFile(
    registerFile,
    `import { register } from 'node:module';\n` +
      `register(${JSON.stringify(hooksUrl)}, { data: { denied: ${JSON.stringify(devOnlyPackages())} } });\n`,
  );
});

afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
  await removeDir(tmp);
});

describe('the compiled server', () => {
  let proc: ServerProcess;
  beforeAll(async () => {
    expect(devOnlyPackages()).toEqual(expect.arrayContaining(['tsx', 'esbuild', 'vitest']));
    const dataDir = await makeTempDir('hdns-compiled-data-');
    cleanup.push(() => removeDir(dataDir));
    proc = await startServerProcess(
      {
        HDNS_DATA_DIR: dataDir,
        HDNS_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
        HDNS_LOG_LEVEL: 'info',
        NODE_OPTIONS: '',
      },
      await freePort(),
      { build: 'compiled', nodeArgs: ['--import', registerFile] },
    );
    cleanup.push(() => proc.stop());
  }, 60_000);

  it('runs from dist/main.js with no dev dependency and no TypeScript loader', () => {
    expect(proc.child.spawnargs.join(' ')).toContain('apps/server/dist/main.js');
    expect(proc.child.spawnargs).not.toContain('tsx');
    expect(proc.output()).not.toContain('dev dependency');
  });

  it('serves the API, its docs and the dashboard', async () => {
    const login = await apiRequest(`${proc.url}/api/auth/login`, {
      body: { username: 'admin', password: TEST_ADMIN_PASSWORD },
    });
    expect(login.status).toBe(200);
    const token = (login.body as { accessToken: string }).accessToken;
    const zones = await apiRequest(`${proc.url}/api/zones`, { token });
    expect(zones.status).toBe(200);
    const docs = await fetch(`${proc.url}/docs/json`);
    expect(docs.status).toBe(200);
    const page = await fetch(`${proc.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('Hybrid DNS Server');
  });

  it('logs one JSON object per line when stdout is not a terminal', () => {
    const lines = proc
      .output()
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    const records = lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(records.some((r) => r.msg.startsWith('listening on'))).toBe(true);
  });
});

describe('the compiled server on a terminal', () => {
  it('logs readable lines (pino-pretty), not JSON, under a real pseudo-terminal', async () => {
    const dataDir = await makeTempDir('hdns-compiled-tty-');
    cleanup.push(() => removeDir(dataDir));
    const port = await freePort();
    const child = spawn(
      'script',
      ['-qfec', `${process.execPath} --enable-source-maps apps/server/dist/main.js`, '/dev/null'],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          HDNS_HOST: '127.0.0.1',
          HDNS_PORT: String(port),
          HDNS_DATA_DIR: dataDir,
          HDNS_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
          HDNS_BIND_MODE: 'off',
          HDNS_LOG_LEVEL: 'info',
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
    while (!out.includes('listening on') && Date.now() < deadline && child.exitCode === null) {
      await sleep(100);
    }
    // Colour codes removed, the line reads "[date time] INFO: listening on http://…".
    // eslint-disable-next-line no-control-regex
    const plain = out.replace(/\u001b\[[0-9;]*m/g, '');
    const line = plain.split(/\r?\n/).find((l) => l.includes('listening on')) ?? '';
    expect(line).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] INFO: listening on http:/);
    expect(plain).not.toContain('{"level"');
    // Coloured, because stdout is a terminal.
    expect(out).toContain('\u001b[');
  }, 60_000);
});
