/**
 * Where the CLI writes. Data (events, query lines, NDJSON) goes to stdout, one line each;
 * everything about the connection (connected, reconnecting, errors) goes to stderr, so
 * `hdns events --follow --json | jq` stays clean.
 *
 * Contract: a closed stdout (EPIPE, e.g. `| head`) ends the process quietly with exit 0.
 */
export interface Output {
  line(text: string): void;
  notice(text: string): void;
}

let pipeGuard = false;

export function processOutput(): Output {
  if (!pipeGuard) {
    pipeGuard = true;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
  return {
    line: (text) => void process.stdout.write(`${text}\n`),
    notice: (text) => void process.stderr.write(`hdns: ${text}\n`),
  };
}
