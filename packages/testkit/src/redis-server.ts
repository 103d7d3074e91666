import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { freePort } from './server-process.js';
import { makeTempDir, removeDir } from './http-api.js';

/**
 * A real `redis-server` for tests: its own port on 127.0.0.1 and its own data directory in a
 * temp dir, append-only persistence on (`appendfsync always` unless told otherwise), so a
 * restart keeps what was acknowledged. No system service is used or needed.
 */
export interface RedisServerOptions {
  appendonly?: boolean;
  appendfsync?: 'always' | 'everysec' | 'no';
}

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** SIGKILL, like a crash: nothing is flushed beyond what appendfsync already wrote. */
  kill(): Promise<void>;
  /** SIGTERM: Redis shuts down cleanly. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  restart(): Promise<void>;
  /** Stops it and removes its directory (idempotent). */
  close(): Promise<void>;
}

const CANDIDATES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];

export function redisServerBinary(): string {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      'redis-server is not installed: run `bash scripts/setup.sh --test` ' +
        '(or apt-get install -y redis-server)',
    );
  }
  return found;
}

/** Resolves when the server answers PING. */
async function waitForPong(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited:\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.setTimeout(500);
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (d) => {
        socket.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = redisServerBinary();
  const dir = await makeTempDir('hdns-redis-');
  const port = await freePort();
  let child: ChildProcess | null = null;
  let out = '';
  let closed = false;

  const launch = async (): Promise<void> => {
    out = '';
    const proc = spawn(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        options.appendonly === false ? 'no' : 'yes',
        '--appendfsync',
        options.appendfsync ?? 'always',
        '--maxmemory-policy',
        'noeviction',
        '--daemonize',
        'no',
        '--logfile',
        path.join(dir, 'redis.log'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child = proc;
    await waitForPong(port, proc, () => out);
  };

  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
  };

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    kill: () => halt('SIGKILL'),
    stop: () => halt('SIGTERM'),
    restart: async () => {
      await halt('SIGTERM');
      await launch();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await halt('SIGKILL');
      await removeDir(dir);
    },
  };
}
