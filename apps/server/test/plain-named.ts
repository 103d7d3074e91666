import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bindBinaries, dig, freePort, tempDir } from './bind-helpers.js';

/**
 * Another `named` a test runs beside the server's own (a secondary, a catalog consumer): its
 * named.conf from `conf(dir, port)` on a free loopback port, started in the foreground, ready
 * when it answers `version.bind`. Stop and start again at will (same directory and port, so its
 * transferred zones survive, as on a real restart); `remove()` stops it and deletes the directory.
 */
export interface PlainNamed {
  port: number;
  dir: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  remove(): Promise<void>;
  /** The last 8,000 characters named printed (for failure messages). */
  log(): string;
}

export async function startPlainNamed(
  conf: (dir: string, port: number) => string,
): Promise<PlainNamed> {
  const { named } = bindBinaries();
  const tmp = await tempDir('hdns-peer-');
  const port = await freePort();
  await writeFile(path.join(tmp.dir, 'named.conf'), conf(tmp.dir, port));
  let proc: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let log = '';
  const stop = async (): Promise<void> => {
    if (proc && proc.exitCode === null) proc.kill('SIGTERM');
    await exited;
    proc = null;
  };
  const start = async (): Promise<void> => {
    const p = spawn(named, ['-g', '-c', path.join(tmp.dir, 'named.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    proc = p;
    p.stderr?.on('data', (b: Buffer) => {
      log = (log + b.toString()).slice(-8000);
    });
    exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    for (let i = 0; i < 100; i++) {
      if (p.exitCode !== null) break;
      const answer = await dig(port, 'version.bind', 'TXT').catch(() => null);
      if (answer !== null) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    await stop();
    throw new Error(`named did not start:\n${log}`);
  };
  await start();
  return {
    port,
    dir: tmp.dir,
    start,
    stop,
    remove: async () => {
      await stop();
      await tmp.remove();
    },
    log: () => log,
  };
}
