/**
 * `hdns` command dispatch: picks the command, runs it, and turns the outcome into an exit code.
 * Expected failures are CliErrors (printed as `hdns: <message>`); anything else is reported as
 * an internal error with its stack when HDNS_DEBUG is set.
 */
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, usageError } from './cli-error.js';
import { processOutput, type Output } from './output.js';
import { MAIN_USAGE } from './usage.js';
import { CLI_VERSION } from './version.js';

type Command = (args: string[], out: Output) => Promise<number>;

/** Loaded on demand: `login` should not pay for the protocol schemas and the socket library. */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  login: async () => (await import('./commands/login.js')).loginCommand,
  logout: async () => (await import('./commands/login.js')).logoutCommand,
  events: async () => (await import('./commands/events.js')).eventsCommand,
  tail: async () => (await import('./commands/tail.js')).tailCommand,
  zones: async () => (await import('./commands/zones.js')).zonesCommand,
  tokens: async () => (await import('./commands/tokens.js')).tokensCommand,
  passwd: async () => (await import('./commands/account.js')).passwdCommand,
  sessions: async () => (await import('./commands/account.js')).sessionsCommand,
};

export async function main(argv: string[], out: Output = processOutput()): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      if (name === undefined) {
        out.notice(`missing command\n\n${MAIN_USAGE}`);
        return EXIT_USAGE;
      }
      out.line(MAIN_USAGE);
      return EXIT_OK;
    }
    if (name === '-V' || name === '--version') {
      out.line(CLI_VERSION);
      return EXIT_OK;
    }
    const load = COMMANDS[name];
    if (!load) throw usageError(`unknown command "${name}"`);
    const command = await load();
    return await command(rest, out);
  } catch (err) {
    if (err instanceof CliError) {
      out.notice(err.message);
      return err.exitCode;
    }
    out.notice(`internal error: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.HDNS_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return EXIT_FAILURE;
  }
}
