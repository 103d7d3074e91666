/**
 * `hdns users list|add|set-role|disable|enable|delete` against the real server, the CLI running
 * as a child process: an admin manages a user who logs in with the real `hdns login`; a
 * non-admin is refused (exit 1), an unknown user exits 3, a taken name 4, bad input 2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-process.js';
import { startCliServer, type CliServer } from './cli-server.js';

interface UserJson {
  id: string;
  username: string;
  role: string;
  zones: string[] | null;
  disabled: boolean;
}

const PASSWORD = 'alice-password-1';

let s: CliServer;

beforeAll(async () => {
  s = await startCliServer();
}, 60_000);

afterAll(async () => {
  await s?.close();
});

describe('hdns users', () => {
  it('adds a user who can log in, changes, disables, enables and deletes them', async () => {
    const added = await s.cli(
      [
        'users',
        'add',
        'alice',
        '--role',
        'operator',
        '--zones',
        'a.example,b.example',
        '--password-stdin',
      ],
      `${PASSWORD}\n`,
    );
    expect(added.code, added.stderr).toBe(0);
    const id = added.stdout.trim();
    expect(added.stderr).toContain('added alice (operator, a.example,b.example)');

    const table = await s.cli(['users', 'list']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+USERNAME\s+ROLE\s+ZONES\s+STATE$/);
    expect(table.stdout).toMatch(
      new RegExp(`^${id}\\s+alice\\s+operator\\s+a\\.example,b\\.example\\s+active$`, 'm'),
    );
    const listed = await s.cli(['users', 'list', '--json']);
    const users = (JSON.parse(listed.stdout) as { users: UserJson[] }).users;
    expect(users.find((u) => u.id === id)).toMatchObject({ username: 'alice', disabled: false });

    // Alice logs in; an operator may not manage users.
    const aliceDir = await s.configDir();
    const login = await runCli(
      ['login', '--url', s.server.url, '--user', 'alice', '--password-stdin'],
      aliceDir,
      `${PASSWORD}\n`,
    );
    expect(login.code, login.stderr).toBe(0);
    const refused = await runCli(['users', 'list'], aliceDir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('cannot list users: HTTP 403');

    const viewer = await s.cli(['users', 'set-role', 'alice', 'viewer', '--json']);
    expect(viewer.code, viewer.stderr).toBe(0);
    expect(JSON.parse(viewer.stdout)).toMatchObject({ id, role: 'viewer' });

    const disabled = await s.cli(['users', 'disable', id]);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stderr).toContain('alice: viewer, disabled');
    const relogin = await runCli(
      ['login', '--url', s.server.url, '--user', 'alice', '--password-stdin'],
      aliceDir,
      `${PASSWORD}\n`,
    );
    expect(relogin.code).toBe(1);
    const enabled = await s.cli(['users', 'enable', 'alice', '--json']);
    expect(JSON.parse(enabled.stdout)).toMatchObject({ disabled: false });

    const deleted = await s.cli(['users', 'delete', 'alice', '--json']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(JSON.parse(deleted.stdout)).toEqual({ deleted: id });
    const gone = await s.cli(['users', 'delete', 'alice']);
    expect(gone.code).toBe(3);
    expect(gone.stderr).toContain('no user alice');
  });

  it('refuses a taken name (exit 4) and bad input (exit 2)', async () => {
    const first = await s.cli(['users', 'add', 'bob', '--password-stdin'], `${PASSWORD}\n`);
    expect(first.code, first.stderr).toBe(0);
    const second = await s.cli(['users', 'add', 'bob', '--password-stdin'], `${PASSWORD}\n`);
    expect(second.code, second.stderr).toBe(4);

    const cases: [string[], string][] = [
      [['users', 'add', 'carol', '--role', 'root', '--password-stdin'], '--role must be one of'],
      [['users', 'add', 'carol', '--password-stdin'], 'invalid user: password'],
      [['users', 'set-role', 'bob', 'root'], 'ROLE must be one of viewer, operator, admin'],
      [['users', 'set-role', 'bob'], "Missing required argument 'role'"],
    ];
    for (const [argv, message] of cases) {
      const r = await s.cli(argv, 'short\n');
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});
