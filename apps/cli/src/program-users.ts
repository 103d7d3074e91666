/**
 * `hdns users …`: user accounts (admins), part of the command tree (program.ts).
 */
import type { Command } from 'commander';
import type { UserAddOptions } from './commands/users.js';
import { group, type CommandContext, type Json } from './program-group.js';

export function registerUserCommands(program: Command, { out, run }: CommandContext): void {
  const users = group(program, 'users', 'User accounts (admins): list, add, set-role, disable');
  users
    .command('list')
    .description('Every user')
    .option('--json', "The server's JSON answer instead of a table")
    .action(async (opts: Json) => run((await import('./commands/users.js')).listUsers(opts, out)));
  users
    .command('add')
    .description('Create a user; the password is read from stdin (first line) or prompted')
    .argument('<username>', 'Username')
    .option('--role <role>', 'viewer, operator or admin', 'viewer')
    .option('--zones <Z,…>', 'Only these zones (default: every zone)')
    .option('--password-stdin', 'Read the password from the first line of stdin')
    .option('--json', "The server's JSON answer instead of text")
    .action(async (username: string, opts: UserAddOptions) =>
      run((await import('./commands/users.js')).addUser(username, opts, out)),
    );
  users
    .command('set-role')
    .description("Change a user's role")
    .argument('<user>', 'Username or id')
    .argument('<role>', 'viewer, operator or admin')
    .option('--json', "The server's JSON answer instead of text")
    .action(async (user: string, role: string, opts: Json) =>
      run((await import('./commands/users.js')).updateUser(user, { role }, opts, out)),
    );
  for (const [sub, description] of [
    ['disable', 'Disable a user (their sessions end)'],
    ['enable', 'Enable a disabled user'],
  ] as const) {
    users
      .command(sub)
      .description(description)
      .argument('<user>', 'Username or id')
      .option('--json', "The server's JSON answer instead of text")
      .action(async (user: string, opts: Json) =>
        run(
          (await import('./commands/users.js')).updateUser(
            user,
            { disabled: sub === 'disable' },
            opts,
            out,
          ),
        ),
      );
  }
  users
    .command('delete')
    .description('Delete a user')
    .argument('<user>', 'Username or id')
    .option('--json', 'Print {"deleted":ID}')
    .action(async (user: string, opts: Json) =>
      run((await import('./commands/users.js')).deleteUser(user, opts, out)),
    );
}
