/**
 * `hdns tokens|passwd|sessions …`: your API tokens, password and login sessions, part of the
 * command tree (program.ts).
 */
import type { Command } from 'commander';
import type { PasswdOptions } from './commands/account.js';
import type { CreateTokenOptions } from './commands/tokens.js';
import { group, type CommandContext, type Json } from './program-group.js';

export function registerAccountCommands(program: Command, { out, run }: CommandContext): void {
  const tokens = group(program, 'tokens', 'API tokens: list, create (secret printed once), revoke');
  tokens
    .command('list')
    .description('Your API tokens (with --all, an admin sees everyone’s)')
    .option('--all', "Everyone's tokens (admins only)")
    .option('--json', "The server's JSON answer instead of text")
    .action(async (opts: { all?: boolean; json?: boolean }) =>
      run((await import('./commands/tokens.js')).listTokens(opts, out)),
    );
  tokens
    .command('create')
    .description('A token acting for you with at most your role and zones; prints its secret')
    .argument('<name>', 'Token name')
    .option('--role <role>', 'viewer, operator or admin (default: yours; never above it)')
    .option('--zones <Z,…>', 'Only these zones (default: every zone you may reach)')
    .option('--read-only', 'The token may only read (GET)')
    .option('--expires-in-days <n>', 'Expire after N days (default: never)')
    .option('--json', "The server's JSON answer instead of text")
    .action(async (name: string, opts: CreateTokenOptions) =>
      run((await import('./commands/tokens.js')).createToken(name, opts, out)),
    );
  tokens
    .command('revoke')
    .description('The token stops working at once and its WebSocket connections close')
    .argument('<id>', 'Token id')
    .option('--json', 'Print {"revoked":ID}')
    .action(async (id: string, opts: Json) =>
      run((await import('./commands/tokens.js')).revokeToken(id, opts, out)),
    );

  program
    .command('passwd')
    .description('Change your password (your other sessions end; this login goes on)')
    .option('--password-stdin', 'Read the current and the new password from stdin (two lines)')
    .option('--json', 'Print {"changed":true,"username":…}')
    .action(async (opts: PasswdOptions) =>
      run((await import('./commands/account.js')).passwdCommand(opts, out)),
    );
  const sessions = group(
    program,
    'sessions',
    'Your login sessions: list them, end one or all others',
  );
  sessions
    .command('list')
    .description('Your login sessions (* marks this one)')
    .option('--json', "The server's JSON answer instead of text")
    .action(async (opts: Json) =>
      run((await import('./commands/account.js')).listSessions(opts, out)),
    );
  sessions
    .command('end')
    .description('End session ID, or with --others every one but this one')
    .argument('[id]', 'Session id')
    .option('--others', 'End all your other sessions')
    .option('--json', 'Print {"ended":N}')
    .action(async (id: string | undefined, opts: { others?: boolean; json?: boolean }) =>
      run((await import('./commands/account.js')).endSessions(id, opts, out)),
    );
}
