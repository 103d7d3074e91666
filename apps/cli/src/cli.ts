/**
 * `hdns` command dispatch: parses the command line with the commander tree of program.ts, runs
 * the chosen command, and turns the outcome into an exit code (cli-error.ts names them).
 * Expected failures are CliErrors (printed as `hdns: <message>`); commander's own parse errors
 * become usage errors (exit 2); anything else is reported as an internal error with its stack
 * when HDNS_DEBUG is set.
 */
import { CommanderError } from 'commander';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, usageError } from './cli-error.js';
import { processOutput, type Output } from './output.js';
import { buildProgram } from './program.js';

export async function main(argv: string[], out: Output = processOutput()): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(out, (c) => (code = c));
  try {
    if (argv.length === 0) {
      out.notice(`missing command\n\n${program.helpInformation().trimEnd()}`);
      return EXIT_USAGE;
    }
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    const failure = err instanceof CommanderError ? fromCommander(err) : err;
    if (typeof failure === 'number') return failure;
    if (failure instanceof CliError) {
      out.notice(failure.message);
      return failure.exitCode;
    }
    out.notice(`internal error: ${failure instanceof Error ? failure.message : String(failure)}`);
    if (process.env.HDNS_DEBUG && failure instanceof Error) {
      process.stderr.write(`${failure.stack}\n`);
    }
    return EXIT_FAILURE;
  }
}

/** Help and version end with their own code; every parse error is a usage error. */
function fromCommander(err: CommanderError): number | CliError {
  if (
    err.code === 'commander.helpDisplayed' ||
    err.code === 'commander.help' ||
    err.code === 'commander.version'
  ) {
    return err.exitCode;
  }
  if (err.code === 'commander.unknownCommand') {
    const name = /'([^']*)'/.exec(err.message)?.[1] ?? '';
    return usageError(`unknown command "${name}"`);
  }
  // "error: unknown option '--bogus'" → "Unknown option '--bogus'" (the wording of parseArgs).
  const message = err.message.replace(/^error: /, '');
  return usageError(message.charAt(0).toUpperCase() + message.slice(1));
}
