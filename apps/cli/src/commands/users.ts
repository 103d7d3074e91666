/**
 * `hdns users list|add|set-role|disable|enable|delete` (admins): user accounts.
 *
 * Contract: a user is named by username or id. add reads the password like login does (prompt
 * without echo on a terminal, else the first line of stdin) and prints the new id on stdout.
 * Changes read the user first and send its version, so a concurrent change is refused (exit 4);
 * an unknown user exits 3; a non-admin is refused by the server (exit 1). --json prints the REST
 * body (delete: {"deleted":ID}).
 */
import { ROLES, createUserBodySchema, type User } from '@hdns/protocol/rest';
import { CliError, EXIT_NOT_FOUND, EXIT_OK, usageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { readPassword } from '../password-input.js';
import { firstIssue, oneOf, splitList } from './parse.js';
import { call, callNoContent, printTable, type JsonOption } from './rest-command.js';

export interface UserAddOptions extends JsonOption {
  role: string;
  zones?: string;
  passwordStdin?: boolean;
}

function zonesText(zones: readonly string[] | null): string {
  return zones === null ? 'all zones' : zones.join(',') || 'no zones';
}

export async function listUsers(opts: JsonOption, out: Output): Promise<number> {
  const body = await call('cannot list users', 'listUsers');
  if (opts.json) out.line(JSON.stringify(body));
  else {
    printTable(
      out,
      ['ID', 'USERNAME', 'ROLE', 'ZONES', 'STATE'],
      body.users.map((u) => [
        u.id,
        u.username,
        u.role,
        zonesText(u.zones),
        u.disabled ? 'disabled' : 'active',
      ]),
      'no users',
    );
  }
  return EXIT_OK;
}

export async function addUser(
  username: string,
  opts: UserAddOptions,
  out: Output,
): Promise<number> {
  const role = oneOf('--role', opts.role, ROLES);
  const zones = opts.zones === undefined ? undefined : splitList(opts.zones);
  const password = await readPassword({
    fromStdin: opts.passwordStdin === true,
    prompt: `Password for the new user ${username}: `,
    refusal: 'users add: empty password',
  });
  const parsed = createUserBodySchema.safeParse({
    username,
    password,
    role,
    ...(zones !== undefined ? { zones } : {}),
  });
  if (!parsed.success) throw usageError(`invalid user: ${firstIssue(parsed.error)}`);
  const user = await call(`cannot add user ${username}`, 'createUser', { body: parsed.data });
  if (opts.json) out.line(JSON.stringify(user));
  else {
    out.line(user.id);
    out.notice(`added ${user.username} (${user.role}, ${zonesText(user.zones)})`);
  }
  return EXIT_OK;
}

async function findUser(nameOrId: string): Promise<User> {
  const { users } = await call('cannot read users', 'listUsers');
  const user = users.find((u) => u.id === nameOrId || u.username === nameOrId);
  if (!user) throw new CliError(`no user ${nameOrId}`, EXIT_NOT_FOUND);
  return user;
}

export async function updateUser(
  nameOrId: string,
  change: { role?: string; disabled?: boolean },
  opts: JsonOption,
  out: Output,
): Promise<number> {
  const role = change.role === undefined ? undefined : oneOf('ROLE', change.role, ROLES);
  const current = await findUser(nameOrId);
  const user = await call(`cannot change user ${current.username}`, 'updateUser', {
    params: { id: current.id },
    body: {
      version: current.version,
      ...(role !== undefined ? { role } : {}),
      ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
    },
  });
  if (opts.json) out.line(JSON.stringify(user));
  else {
    out.notice(`${user.username}: ${user.role}, ${user.disabled ? 'disabled' : 'active'}`);
  }
  return EXIT_OK;
}

export async function deleteUser(nameOrId: string, opts: JsonOption, out: Output): Promise<number> {
  const user = await findUser(nameOrId);
  await callNoContent(`cannot delete user ${user.username}`, 'deleteUser', {
    params: { id: user.id },
  });
  if (opts.json) out.line(JSON.stringify({ deleted: user.id }));
  else out.notice(`deleted user ${user.username}`);
  return EXIT_OK;
}
