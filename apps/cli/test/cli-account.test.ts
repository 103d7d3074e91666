/**
 * `hdns passwd` and `hdns sessions list|end` against the real server (a server process), the CLI
 * running as a child process with its own config dir per login. The passwords come through
 * stdin (not a terminal), as a script would give them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcessServer, type ProcessServer } from '@hdns/testkit';
import { makeConfigDir, runCli } from './cli-process.js';

const USER = 'cli-ann';
const FIRST = 'first-password-1';
const SECOND = 'second-password-2';

let server: ProcessServer;
const dirs: { remove(): Promise<void> }[] = [];

beforeAll(async () => {
  server = await startProcessServer();
  const admin = await server.login();
  const created = await server.api('/api/users', {
    token: admin.accessToken,
    body: { username: USER, password: FIRST, role: 'viewer' },
  });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await server.close();
  await Promise.all(dirs.map((d) => d.remove()));
});

async function loggedIn(password: string): Promise<string> {
  const d = await makeConfigDir();
  dirs.push(d);
  const login = await runCli(
    ['login', '--url', server.url, '--user', USER, '--password-stdin'],
    d.dir,
    `${password}\n`,
  );
  expect(login.code, login.stderr).toBe(0);
  return d.dir;
}

interface Listed {
  sessions: { id: string; current: boolean; ip: string | null }[];
}

async function sessions(dir: string): Promise<Listed['sessions']> {
  const r = await runCli(['sessions', 'list', '--json'], dir);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as Listed).sessions;
}

describe('hdns passwd and hdns sessions', () => {
  it('lists sessions, refuses a wrong current password, changes it and keeps this login', async () => {
    const here = await loggedIn(FIRST);
    const other = await loggedIn(FIRST);
    const listed = await sessions(here);
    expect(listed).toHaveLength(2);
    const mine = listed.find((s) => s.current);
    expect(mine).toBeDefined();
    const text = await runCli(['sessions', 'list'], here);
    expect(text.stdout).toContain(`*  ${mine?.id ?? '?'}  since `);

    const wrong = await runCli(['passwd'], here, `not-my-password\n${SECOND}\n`);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('the current password is wrong; nothing changed');
    const weak = await runCli(['passwd'], here, `${FIRST}\nshort\n`);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('the new password is not accepted');

    const changed = await runCli(['passwd', '--json'], here, `${FIRST}\n${SECOND}\n`);
    expect(changed.code, changed.stderr).toBe(0);
    expect(JSON.parse(changed.stdout)).toEqual({ changed: true, username: USER });

    // This login goes on (the stored token was replaced), the other one ended.
    expect((await sessions(here)).map((s) => s.id)).toEqual([mine?.id]);
    const ended = await runCli(['sessions', 'list'], other);
    expect(ended.code).toBe(1);
    expect(ended.stderr).toContain('expired or was revoked');
    expect(
      (await server.api('/api/auth/login', { body: { username: USER, password: FIRST } })).status,
    ).toBe(401);
  });

  it('ends one session by id, then all others', async () => {
    const here = await loggedIn(SECOND);
    const a = await loggedIn(SECOND);
    const b = await loggedIn(SECOND);
    const aId = (await sessions(a)).find((s) => s.current)?.id ?? '';
    const one = await runCli(['sessions', 'end', aId, '--json'], here);
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout)).toEqual({ ended: 1 });
    expect((await runCli(['sessions', 'list'], a)).code).toBe(1);
    const again = await runCli(['sessions', 'end', aId], here);
    expect(again.code).toBe(3); // not found, as every command says it (cli-error.ts)
    expect(again.stderr).toContain('NOT_FOUND');

    const others = await runCli(['sessions', 'end', '--others'], here);
    expect(others.code, others.stderr).toBe(0);
    // b and the login of the first test are the others.
    expect(others.stderr).toContain('ended 2 sessions');
    expect((await runCli(['sessions', 'list'], b)).code).toBe(1);
    expect((await sessions(here)).map((s) => s.current)).toEqual([true]);
  });

  it('refuses bad usage with exit code 2', async () => {
    // Refused before any request: no login needed.
    const d = await makeConfigDir();
    dirs.push(d);
    const here = d.dir;
    for (const argv of [
      ['sessions', 'end'],
      ['sessions', 'end', 'x', '--others'],
      ['sessions', 'nope'],
      ['passwd', 'extra'],
    ]) {
      const r = await runCli(argv, here);
      expect(r.code, argv.join(' ')).toBe(2);
    }
  });
});
