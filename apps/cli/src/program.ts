/**
 * The `hdns` command tree (commander): every command, subcommand, argument and option, with its
 * help text; the larger command groups are registered by program-*.ts, in help order. Actions
 * load their command module on demand (`await import(...)`), so `hdns login` does not pay for
 * the protocol schemas and the socket library; these files import only types.
 * The same tree drives `--help` and the shell completions (completion.ts).
 *
 * Contract: an action stores its exit code through `done`; commander's own errors (unknown
 * option, missing argument …) are thrown as CommanderError and turned into exit 2 by cli.ts.
 */
import { Command } from 'commander';
import type { Output } from './output.js';
import { CLI_VERSION } from './version.js';
import type { EventsOptions } from './commands/events.js';
import type { LoginOptions } from './commands/login.js';
import type { TailOptions } from './commands/tail.js';
import { registerAccountCommands } from './program-account.js';
import { registerAlertCommands } from './program-alerts.js';
import { registerDnsCommands } from './program-dns.js';
import { collect, group } from './program-group.js';
import { registerUserCommands } from './program-users.js';

export const EXIT_CODES_HELP = `
Exit codes: 0 ok, 1 failure (unreachable, refused, not logged in, connection closed), 2 usage,
3 not found, 4 conflict (exists already, or changed since it was read).`;

export function buildProgram(out: Output, done: (code: number) => void): Command {
  const program = new Command('hdns')
    .description('hdns: command-line client for Hybrid DNS Server')
    .version(CLI_VERSION, '-V, --version', 'Show the version')
    .helpOption('-h, --help', 'Show help (also: hdns COMMAND --help)')
    .helpCommand('help [command]', 'Show help for COMMAND')
    // A fixed width: the help reads the same on a terminal, in a pipe and in tests.
    .configureHelp({ helpWidth: 100 })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => out.line(s.replace(/\n$/, '')),
      writeErr: (s) => out.notice(s.replace(/\n$/, '')),
      // cli.ts prints commander's errors itself, as usage errors.
      outputError: () => undefined,
    })
    .showSuggestionAfterError(false)
    .addHelpText('after', EXIT_CODES_HELP);
  const run = (code: Promise<number>): Promise<void> => code.then(done);

  program
    .command('login')
    .description(
      'Log in and store the session in $HDNS_CONFIG_DIR or ~/.config/hdns (mode 0600); ' +
        'with --token, store an API token (hdns_…, or - to read it from stdin) instead',
    )
    .option('--url <url>', 'Server base URL, e.g. http://127.0.0.1:8080')
    .option('-u, --user <name>', 'Username')
    .option('--token <token>', 'An API token instead of a password (- reads it from stdin)')
    .option('--password-stdin', 'Read the password from the first line of stdin')
    .addHelpText(
      'after',
      '\nThe password is prompted with echo off on a terminal, else read from the first line of ' +
        'stdin.\nThe access token is refreshed automatically; an API token is used until it is ' +
        'revoked or expires.',
    )
    .action(async (opts: LoginOptions) =>
      run((await import('./commands/login.js')).loginCommand(opts, out)),
    );
  program
    .command('logout')
    .description('End the session on the server and forget it locally')
    .action(async () => run((await import('./commands/login.js')).logoutCommand(out)));

  program
    .command('events')
    .description('Recent events (history), or with --follow a live stream, one line per event')
    .option('-f, --follow', 'Stream live events until Ctrl-C (lost connections resume)')
    .option('-t, --type <T,…>', 'Only these event types (comma-separated)', collect, [])
    .option(
      '-c, --category <C,…>',
      'Only these categories: dns, security, health, system, user, bulk, query',
      collect,
      [],
    )
    .option('-n, --limit <n>', 'History size without --follow (default 20, at most 500)')
    .option('--json', 'One JSON object per line (NDJSON) instead of text')
    .action(async (opts: EventsOptions) =>
      run((await import('./commands/events.js')).eventsCommand(opts, out)),
    );

  const tail = group(program, 'tail', 'tail queries: the live DNS query log, filtered here');
  tail
    .command('queries')
    .description('Follow the DNS query log live until Ctrl-C, one line per query')
    .option('--client <ip>', 'Only queries from this client address (exact)')
    .option('--domain <name>', 'Only this name and the names below it')
    .option('--json', 'One JSON object per line (NDJSON) instead of text')
    .action(async (opts: TailOptions) =>
      run((await import('./commands/tail.js')).tailQueries(opts, out)),
    );

  const context = { out, run };
  registerDnsCommands(program, context);
  registerUserCommands(program, context);
  registerAlertCommands(program, context);
  registerAccountCommands(program, context);

  program
    .command('completion')
    .description('Print a shell completion script (see the README to install it)')
    .argument('<shell>', 'bash, zsh or fish')
    .action(async (shell: string) => {
      const { completionScript } = await import('./completion.js');
      out.line(completionScript(program, shell));
      done(0);
    });
  return program;
}
