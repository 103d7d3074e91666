import { execFile } from 'node:child_process';
import { toolEnv } from './tool-env.js';

/**
 * Runs an executable with an argument array (never through a shell, so names and paths from
 * users cannot inject anything) and collects its output. Never rejects: a non-zero exit, a
 * timeout or a spawn failure (ENOENT) are all reported in the result, for the caller to map.
 * The tool gets a minimal environment (tool-env.ts), never the server's secrets.
 */

export interface ToolResult {
  /** Exit code; null when killed by a signal or when it could not start. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the process could not be started (e.g. ENOENT). */
  spawnError?: string;
}

export function runTool(
  file: string,
  args: readonly string[],
  timeoutMs = 10_000,
): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 4 * 1024 * 1024,
        encoding: 'utf8',
        env: toolEnv(),
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ code: 0, stdout, stderr, timedOut: false });
          return;
        }
        const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
        const started = typeof e.code !== 'string';
        resolve({
          code: typeof e.code === 'number' ? e.code : null,
          stdout,
          stderr,
          timedOut: e.killed === true && started,
          ...(started ? {} : { spawnError: `${String(e.code)}: ${e.message}` }),
        });
      },
    );
  });
}
