/**
 * `hdns login` against the real server, the CLI running as a child process with its own config
 * dir: success, bad credentials, unreachable URL. (Usage errors and "not logged in" need no
 * server or process: src/cli.test.ts.)
 */
import { stat, readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcessServer, TEST_ADMIN_PASSWORD, type ProcessServer } from '@hdns/testkit';
import { makeConfigDir, runCli } from './cli-process.js';

let server: ProcessServer;
const dirs: { remove(): Promise<void> }[] = [];

beforeAll(async () => {
  server = await startProcessServer();
});
afterAll(async () => {
  await server.close();
  await Promise.all(dirs.map((d) => d.remove()));
});

async function configDir(): Promise<string> {
  const d = await makeConfigDir();
  dirs.push(d);
  return d.dir;
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('hdns login', () => {
  it('logs in with the password from stdin and stores the session with mode 0600', async () => {
    const dir = await configDir();
    const run = await runCli(
      ['login', '--url', `${server.url}/`, '--user', 'admin', '--password-stdin'],
      dir,
      `${TEST_ADMIN_PASSWORD}\n`,
    );
    expect(run.stderr).toContain(`logged in to ${server.url} as admin (admin)`);
    expect(run.code).toBe(0);
    const file = path.join(dir, 'credentials.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved).toMatchObject({ version: 1, url: server.url, username: 'admin', role: 'admin' });
    expect(saved.refreshCookie).toMatch(/^hdns_refresh=.+/);
    expect(Date.parse(saved.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('says so when the password is wrong', async () => {
    const run = await runCli(
      ['login', '--url', server.url, '--user', 'admin'],
      await configDir(),
      'not-the-password\n',
    );
    expect(run.stderr).toBe('hdns: login failed: invalid username or password');
    expect(run.code).toBe(1);
  });

  it('says which URL cannot be reached and why', async () => {
    const port = await closedPort();
    const run = await runCli(
      ['login', '--url', `http://127.0.0.1:${port}`, '--user', 'admin', '--password-stdin'],
      await configDir(),
      'x\n',
    );
    expect(run.stderr).toBe(`hdns: cannot reach http://127.0.0.1:${port}: connection refused`);
    expect(run.code).toBe(1);
  });
});
