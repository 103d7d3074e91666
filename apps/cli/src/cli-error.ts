/**
 * The one error type commands throw for expected failures. `main` prints `hdns: <message>` on
 * stderr and exits with `exitCode`; anything else is a bug and is reported as an internal error.
 *
 * Exit codes (named here once; the table in apps/cli/README.md lists them): 0 success,
 * 1 failure (unreachable server, bad credentials, not logged in, lost session, refused by the
 * server, terminal close), 2 usage error (unknown command or option, bad value), 3 not found
 * (the server answered 404 for the thing named), 4 conflict (409: it exists already, or it
 * changed since it was read).
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_NOT_FOUND = 3;
export const EXIT_CONFLICT = 4;

/** The exit code for a refused REST call: 404 and 409 have their own, the rest is a failure. */
export function exitCodeForStatus(status: number): number {
  if (status === 404) return EXIT_NOT_FOUND;
  if (status === 409) return EXIT_CONFLICT;
  return EXIT_FAILURE;
}

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
