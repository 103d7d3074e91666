import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { freePort } from './server-process.js';
import { makeTempDir, removeDir } from './http-api.js';

/**
 * A real PostgreSQL server for tests: `initdb` into a temp dir, `postgres` on its own port on
 * 127.0.0.1 (socket in the same dir), trust auth for the user `hdns`. PostgreSQL refuses to run
 * as root, so under root both run as the `postgres` system user (Debian's package creates it).
 * Durability settings are off (fsync, synchronous_commit): test data need not survive a power
 * cut, and it keeps a cluster's start and every commit fast.
 */
export interface PostgresServer {
  readonly port: number;
  readonly dir: string;
  /** `postgres://hdns@127.0.0.1:<port>/<database>` */
  url(database?: string): string;
  /** Creates a database (owned by `hdns`) and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown (SIGINT): clients are disconnected, nothing is lost. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and removes its directory (idempotent). */
  close(): Promise<void>;
}

/** The newest installed PostgreSQL's bin directory (Debian: /usr/lib/postgresql/<n>/bin). */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      'PostgreSQL is not installed: run `bash scripts/setup.sh --test` ' +
        '(or apt-get install -y postgresql)',
    );
  }
  return path.join(root, newest, 'bin');
}

/** uid/gid to run PostgreSQL as: ourselves, or the `postgres` user when we are root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error('running as root, but there is no `postgres` user to run PostgreSQL as');
  }
  return { uid: Number(uid), gid: Number(gid) };
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited:\n${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    // Listening is not accepting yet (startup recovery): the log says when it is ready.
    if (open && log().includes('ready to accept connections')) return;
    if (Date.now() > deadline) throw new Error(`postgres did not start:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const user = runAs();
  const dir = await makeTempDir('hdns-pg-');
  const data = path.join(dir, 'data');
  if (user) chownSync(dir, user.uid, user.gid);
  const init = spawnSync(
    path.join(bin, 'initdb'),
    ['-D', data, '-U', 'hdns', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'],
    { ...(user ?? {}), encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } },
  );
  if (init.status !== 0) {
    await removeDir(dir);
    throw new Error(`initdb failed:\n${init.stdout}${init.stderr}`);
  }
  const port = await freePort();
  let child: ChildProcess | null = null;
  let out = '';
  let closed = false;
  const url = (database = 'postgres') => `postgres://hdns@127.0.0.1:${port}/${database}`;

  const launch = async (): Promise<void> => {
    out = '';
    const proc = spawn(
      path.join(bin, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
      ],
      { ...(user ?? {}), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child = proc;
    await waitForPort(port, proc, () => out);
  };

  const halt = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGINT');
    await exited;
  };

  await launch();
  return {
    port,
    dir,
    url,
    async createDatabase(name) {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop: halt,
    start: launch,
    close: async () => {
      if (closed) return;
      closed = true;
      await halt();
      await removeDir(dir);
    },
  };
}
