/**
 * The one error type commands throw for expected failures. `main` prints `hdns: <message>` on
 * stderr and exits with `exitCode`; anything else is a bug and is reported as an internal error.
 *
 * Exit codes: 0 success, 1 failure (unreachable server, bad credentials, not logged in, lost
 * session, terminal close), 2 usage error (unknown command or option, bad value).
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function usageError(message: string): CliError {
  return new CliError(`${message}\nRun \`hdns --help\` for usage.`, EXIT_USAGE);
}
