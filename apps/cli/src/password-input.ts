/**
 * Reading the password for `hdns login`.
 *
 * Contract: with a terminal on stdin (and no --password-stdin) it prompts on stderr and reads
 * one line with echo off (raw mode; backspace works, Ctrl-C aborts with exit 130, Ctrl-D ends
 * the line). Otherwise it reads all of stdin and uses its first line, so
 * `echo "$PW" | hdns login --password-stdin …` and here-docs work. An empty password is refused.
 */
import { CliError } from './cli-error.js';

export async function readPassword(
  /** `refusal`: the message for an empty answer (default: the login's). */
  options: { fromStdin: boolean; prompt?: string; refusal?: string },
  stdin: NodeJS.ReadStream = process.stdin,
  stderr: NodeJS.WriteStream = process.stderr,
): Promise<string> {
  const password =
    !options.fromStdin && stdin.isTTY
      ? await promptHidden(options.prompt ?? 'Password: ', stdin, stderr)
      : await readFirstLine(stdin);
  if (password.length === 0) throw new CliError(options.refusal ?? 'login failed: empty password');
  return password;
}

async function readFirstLine(stdin: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  const text = Buffer.concat(chunks).toString('utf8');
  return text.split(/\r?\n/)[0] ?? '';
}

function promptHidden(
  prompt: string,
  stdin: NodeJS.ReadStream,
  stderr: NodeJS.WriteStream,
): Promise<string> {
  return new Promise((resolve) => {
    let value = '';
    stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const finish = (): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          process.exit(130);
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
