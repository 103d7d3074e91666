import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, isIPv6 } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real server entry point run as a child process, as `npm start` runs it. Started by path,
 * so no test outside apps/server imports the server's code or its test folder.
 */

/** The repository root, from packages/testkit/src. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A port free on `host` (the loopback address the server will listen on) right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no shutdown hooks run, like a crash or an OOM kill. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * How the server runs: from its TypeScript sources through tsx (the default: what a developer
 * runs), or compiled (`node apps/server/dist/main.js`, what `npm start` runs; vitest's global
 * setup builds it). `nodeArgs` go before the entry point (e.g. an `--import` hook).
 */
export interface ServerProcessOptions {
  build?: 'source' | 'compiled';
  nodeArgs?: string[];
}

function entryArgs(options: ServerProcessOptions): string[] {
  const extra = options.nodeArgs ?? [];
  return options.build === 'compiled'
    ? ['--enable-source-maps', ...extra, 'apps/server/dist/main.js']
    : ['--import', 'tsx', ...extra, 'apps/server/src/main.ts'];
}

/** Runs the server on `port` and waits for /readyz. */
export async function startServerProcess(
  env: Record<string, string>,
  port: number,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, entryArgs(options), {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      HDNS_HOST: '127.0.0.1',
      HDNS_PORT: String(port),
      HDNS_LOG_LEVEL: 'warn',
      HDNS_BIND_MODE: 'off',
      // Suites (the fuzz suite above all) make many requests from one address; a test of the
      // rate limit passes its own HDNS_RATE_LIMIT_MAX.
      HDNS_RATE_LIMIT_MAX: '10000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  // env may move the server to another loopback address (`HDNS_HOST: '::1'`).
  const host = env.HDNS_HOST ?? '127.0.0.1';
  const url = `http://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not become ready:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    child,
    output: () => out,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
