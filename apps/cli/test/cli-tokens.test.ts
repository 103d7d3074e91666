/**
 * `hdns tokens list|create|revoke` and `hdns login --token` against the real server (a server
 * process), the CLI running as a child process with its own config dir.
 */
import { readFile } from 'node:fs/promises';
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

describe('hdns tokens and login --token', () => {
  it('creates a token, logs in with it, lists and revokes it', async () => {
    const adminDir = await configDir();
    const login = await runCli(
      ['login', '--url', server.url, '--user', 'admin', '--password-stdin'],
      adminDir,
      `${TEST_ADMIN_PASSWORD}\n`,
    );
    expect(login.code, login.stderr).toBe(0);

    const created = await runCli(
      ['tokens', 'create', 'ci job', '--role', 'viewer', '--read-only', '--json'],
      adminDir,
    );
    expect(created.code, created.stderr).toBe(0);
    const answer = JSON.parse(created.stdout) as {
      secret: string;
      token: { id: string; role: string; readOnly: boolean };
    };
    expect(answer.token).toMatchObject({ role: 'viewer', readOnly: true });
    expect(answer.secret).toMatch(/^hdns_/);

    // Log in with the token, read from stdin; it acts as a read-only viewer.
    const tokenDir = await configDir();
    const tokenLogin = await runCli(
      ['login', '--url', server.url, '--token', '-'],
      tokenDir,
      `${answer.secret}\n`,
    );
    expect(tokenLogin.code, tokenLogin.stderr).toBe(0);
    expect(tokenLogin.stderr).toContain(
      `logged in to ${server.url} as admin (viewer) with an API token`,
    );
    const saved = JSON.parse(await readFile(path.join(tokenDir, 'credentials.json'), 'utf8')) as {
      accessToken: string;
      refreshCookie: string | null;
    };
    expect(saved).toMatchObject({ accessToken: answer.secret, refreshCookie: null });

    const listed = await runCli(['tokens', 'list'], tokenDir);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(answer.token.id);
    expect(listed.stdout).toContain('ci job  viewer  all zones  read-only  no expiry  used ');
    const events = await runCli(['events', '--limit', '1', '--json'], tokenDir);
    expect(events.code, events.stderr).toBe(0);
    // Read-only: the token cannot create anything.
    const refused = await runCli(['tokens', 'create', 'child'], tokenDir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('READ_ONLY_TOKEN');

    const revoked = await runCli(['tokens', 'revoke', answer.token.id, '--json'], adminDir);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(JSON.parse(revoked.stdout)).toEqual({ revoked: answer.token.id });
    const after = await runCli(['tokens', 'list'], tokenDir);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('run `hdns login` again');

    const badLogin = await runCli(
      ['login', '--url', server.url, '--token', answer.secret],
      await configDir(),
    );
    expect(badLogin.code).toBe(1);
    expect(badLogin.stderr).toContain('login failed: Invalid token: the API token was revoked');
  });
});
