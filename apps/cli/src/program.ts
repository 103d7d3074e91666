/**
 * The `hdns` command tree (commander): every command, subcommand, argument and option, with its
 * help text. Actions load their command module on demand (`await import(...)`), so `hdns login`
 * does not pay for the protocol schemas and the socket library; this file imports only types.
 * The same tree drives `--help` and the shell completions (completion.ts).
 *
 * Contract: an action stores its exit code through `done`; commander's own errors (unknown
 * option, missing argument …) are thrown as CommanderError and turned into exit 2 by cli.ts.
 */
import { Command } from 'commander';
import { usageError } from './cli-error.js';
import { fullName } from './command-path.js';
import type { Output } from './output.js';
import { CLI_VERSION } from './version.js';
import type { EventsOptions } from './commands/events.js';
import type { LoginOptions } from './commands/login.js';
import type { PasswdOptions } from './commands/account.js';
import type { TailOptions } from './commands/tail.js';
import type { CreateTokenOptions } from './commands/tokens.js';
import type { ExportZoneOptions, ImportZoneOptions } from './commands/zones.js';
import type { RecordOptions } from './commands/records.js';
import type { RpzAddOptions, RpzExportOptions, RpzImportOptions } from './commands/rpz.js';
import type { FeedAddOptions } from './commands/feeds.js';
import type { UserAddOptions } from './commands/users.js';
import type { DeliveriesOptions } from './commands/alerts.js';

export const EXIT_CODES_HELP = `
Exit codes: 0 ok, 1 failure (unreachable, refused, not logged in, connection closed), 2 usage,
3 not found, 4 conflict (exists already, or changed since it was read).`;

type Json = { json?: boolean };

/** Repeated list options are merged: `-t a -t b,c` → ['a', 'b,c'] (split later). */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * A command with subcommands: alone it prints its help (exit 0); followed by an unknown word it
 * names the subcommands it expected (exit 2).
 */
function group(parent: Command, name: string, description: string): Command {
  const cmd = parent.command(name).description(description).allowExcessArguments();
  cmd.action((_opts: unknown, self: Command) => {
    const [word] = self.args;
    if (word === undefined) {
      self.outputHelp();
      return;
    }
    const expected = self.commands.map((c) => `\`hdns ${fullName(c)}\``);
    const list =
      expected.length > 1
        ? `${expected.slice(0, -1).join(', ')} or ${expected.at(-1) ?? ''}`
        : (expected[0] ?? '');
    throw usageError(`expected ${list}, not "${word}"`);
  });
  return cmd;
}

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

  const zones = group(program, 'zones', 'Export a zone; import one from a zone file or by AXFR');
  zones
    .command('export')
    .description('The zone as a BIND zone file (default) or JSON, to FILE or stdout')
    .argument('<zone>', 'Zone name')
    .option('-f, --format <format>', 'bind or json', 'bind')
    .option('-o, --output <file>', 'Write the export to FILE')
    .action(async (zone: string, opts: ExportZoneOptions) =>
      run((await import('./commands/zones.js')).exportZone(zone, opts, out)),
    );
  zones
    .command('import')
    .description('Records from a BIND zone file or by AXFR; every refused record is listed')
    .argument('<zone>', 'Zone name')
    .option('--file <file>', 'The zone file to import')
    .option('--axfr <server[:port]>', 'Transfer the zone from this server ([v6]:port for IPv6)')
    .option('--tsig <name:alg:secret>', 'TSIG key for the transfer (e.g. hmac-sha256, base64)')
    .option('--remote-zone <name>', "The zone's name on SERVER, when it differs from ZONE")
    .option('--create', "Create ZONE from the file's SOA and $TTL first (it must not exist)")
    .action(async (zone: string, opts: ImportZoneOptions) =>
      run((await import('./commands/zones.js')).importZone(zone, opts, out)),
    );

  const records = group(program, 'records', "A zone's records: list, add, update, delete");
  records
    .command('list')
    .description('The records of ZONE')
    .argument('<zone>', 'Zone name')
    .option('--json', "The server's JSON answer instead of a table")
    .action(async (zone: string, opts: Json) =>
      run((await import('./commands/records.js')).listRecords(zone, opts, out)),
    );
  const recordOptions = (cmd: Command): Command =>
    cmd
      .option('--ttl <seconds>', 'TTL (default: the zone TTL)')
      .option('--priority <n>', 'MX and SRV priority')
      .option('--weight <n>', 'SRV weight')
      .option('--port <n>', 'SRV port')
      .option('--flags <n>', 'CAA flags')
      .option('--tag <tag>', 'CAA tag (issue, issuewild, iodef)')
      .option('--json', "The server's JSON answer instead of text");
  recordOptions(
    records
      .command('add')
      .description('Add a record: NAME is @, a relative name or an absolute one ending in a dot')
      .argument('<zone>', 'Zone name')
      .argument('<name>', 'Owner name')
      .argument('<type>', 'A, AAAA, CNAME, MX, TXT, …')
      .argument('<value>', 'The record data'),
  ).action(async (zone: string, name: string, type: string, value: string, opts: RecordOptions) =>
    run((await import('./commands/records.js')).addRecord(zone, { name, type, value }, opts, out)),
  );
  recordOptions(
    records
      .command('update')
      .description('Replace record ID (the fields not given keep their values)')
      .argument('<zone>', 'Zone name')
      .argument('<id>', 'Record id (see records list)')
      .option('--name <name>', 'New owner name')
      .option('--type <type>', 'New type')
      .option('--value <value>', 'New data'),
  ).action(async (zone: string, id: string, opts: RecordOptions) =>
    run((await import('./commands/records.js')).updateRecord(zone, id, opts, out)),
  );
  records
    .command('delete')
    .description('Delete record ID')
    .argument('<zone>', 'Zone name')
    .argument('<id>', 'Record id')
    .option('--json', 'Print {"deleted":ID}')
    .action(async (zone: string, id: string, opts: Json) =>
      run((await import('./commands/records.js')).deleteRecord(zone, id, opts, out)),
    );

  const rpz = group(program, 'rpz', 'RPZ rules (local blocking policy): list, add, delete, import');
  rpz
    .command('list')
    .description('Every RPZ rule')
    .option('--json', "The server's JSON answer instead of a table")
    .action(async (opts: Json) => run((await import('./commands/rpz.js')).listRules(opts, out)));
  rpz
    .command('add')
    .description('Add a rule for DOMAIN (*.example.com for the names below it)')
    .argument('<domain>', 'Domain')
    .option('--action <action>', 'nxdomain, nodata, passthru or redirect', 'nxdomain')
    .option('--redirect-to <ip>', 'redirect: answer with this address')
    .option('--category <category>', 'Rule category', 'custom')
    .option('--comment <text>', 'A note')
    .option('--disabled', 'Store it disabled')
    .option('--json', "The server's JSON answer instead of text")
    .action(async (domain: string, opts: RpzAddOptions) =>
      run((await import('./commands/rpz.js')).addRule(domain, opts, out)),
    );
  rpz
    .command('delete')
    .description('Delete rule ID')
    .argument('<id>', 'Rule id')
    .option('--json', 'Print {"deleted":ID}')
    .action(async (id: string, opts: Json) =>
      run((await import('./commands/rpz.js')).deleteRule(id, opts, out)),
    );
  rpz
    .command('import')
    .description('Import rules from a CSV file (header row) or a JSON array, as a job')
    .argument('<file>', 'The file (.csv or .json)')
    .option('--format <format>', 'csv or json (default: from the file name)')
    .option('--json', 'The finished job as JSON')
    .action(async (file: string, opts: RpzImportOptions) =>
      run((await import('./commands/rpz.js')).importRules(file, opts, out)),
    );
  rpz
    .command('export')
    .description('Every rule in the import formats (the REST API has no export route)')
    .option('--format <format>', 'csv or json', 'json')
    .option('-o, --output <file>', 'Write to FILE instead of stdout')
    .action(async (opts: RpzExportOptions) =>
      run((await import('./commands/rpz.js')).exportRules(opts, out)),
    );

  const feeds = group(program, 'feeds', 'Blocklist feeds: list, add, refresh, enable, delete');
  feeds
    .command('list')
    .description('Every feed with its last fetch and size')
    .option('--json', "The server's JSON answer instead of a table")
    .action(async (opts: Json) => run((await import('./commands/feeds.js')).listFeeds(opts, out)));
  feeds
    .command('add')
    .description('Subscribe to the list at URL')
    .argument('<name>', 'Feed name')
    .argument('<url>', 'http(s) URL of the list')
    .option('--format <format>', 'auto, hosts, adblock, domains or rpz', 'auto')
    .option('--category <category>', 'Rule category', 'custom')
    .option('--action <action>', 'nxdomain, nodata or redirect', 'nxdomain')
    .option('--redirect-to <ip>', 'redirect: answer with this address')
    .option('--refresh-minutes <n>', 'Fetch interval in minutes (5-10080)', '1440')
    .option('--disabled', 'Store it disabled')
    .option('--json', "The server's JSON answer instead of text")
    .action(async (name: string, url: string, opts: FeedAddOptions) =>
      run((await import('./commands/feeds.js')).addFeed(name, url, opts, out)),
    );
  for (const [sub, description] of [
    ['refresh', 'Fetch feed ID now and print what changed'],
    ['enable', 'Enable feed ID'],
    ['disable', 'Disable feed ID'],
    ['delete', 'Delete feed ID and its rules'],
  ] as const) {
    feeds
      .command(sub)
      .description(description)
      .argument('<id>', 'Feed id')
      .option('--json', "The server's JSON answer instead of text")
      .action(async (id: string, opts: Json) =>
        run((await import('./commands/feeds.js')).feedAction(sub, id, opts, out)),
      );
  }
  const allow = group(feeds, 'allow', 'Domains the feeds never block');
  allow
    .command('list')
    .description('The allowlist')
    .option('--json', "The server's JSON answer instead of text")
    .action(async (opts: Json) => run((await import('./commands/feeds.js')).listAllow(opts, out)));
  for (const [sub, description] of [
    ['add', 'Add DOMAIN… (*.example.com for the names below it)'],
    ['delete', 'Remove DOMAIN… from the allowlist'],
  ] as const) {
    allow
      .command(sub)
      .description(description)
      .argument('<domains...>', 'Domains')
      .option('--json', "The server's JSON answer instead of text")
      .action(async (domains: string[], opts: Json) =>
        run((await import('./commands/feeds.js')).changeAllow(sub, domains, opts, out)),
      );
  }

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

  const alerts = group(program, 'alerts', 'Alert rules, channels and deliveries');
  const alertRules = group(alerts, 'rules', 'Alert rules');
  alertRules
    .command('list')
    .description('Every alert rule')
    .option('--json', "The server's JSON answer instead of a table")
    .action(async (opts: Json) => run((await import('./commands/alerts.js')).listRules(opts, out)));
  const channels = group(alerts, 'channels', 'Notification channels');
  channels
    .command('list')
    .description('Every channel (secrets are never shown)')
    .option('--json', "The server's JSON answer instead of a table")
    .action(async (opts: Json) =>
      run((await import('./commands/alerts.js')).listChannels(opts, out)),
    );
  channels
    .command('test')
    .description('Send a test notification through channel ID')
    .argument('<id>', 'Channel id')
    .option('--json', "The server's JSON answer instead of text")
    .action(async (id: string, opts: Json) =>
      run((await import('./commands/alerts.js')).testChannel(id, opts, out)),
    );
  alerts
    .command('deliveries')
    .description('The delivery log, newest first')
    .option('--status <status>', 'pending, sending, delivered, failed or dead')
    .option('--channel <id>', 'Only this channel')
    .option('-n, --limit <n>', 'At most N rows (1-500, default 50)')
    .option('--json', "The server's JSON answer instead of a table")
    .action(async (opts: DeliveriesOptions) =>
      run((await import('./commands/alerts.js')).listDeliveries(opts, out)),
    );
  alerts
    .command('resend')
    .description('Send delivery ID again (a new delivery)')
    .argument('<id>', 'Delivery id')
    .option('--json', "The server's JSON answer instead of text")
    .action(async (id: string, opts: Json) =>
      run((await import('./commands/alerts.js')).resendDelivery(id, opts, out)),
    );

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
