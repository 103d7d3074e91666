import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bindBinaries, dig, freePort, tempDir } from './bind-helpers.js';

/**
 * A second, plain `named` started by a test: primary for one zone on a free loopback port, which
 * allows AXFR only with its TSIG key. Stands for "an existing server" an admin imports from.
 */
export interface NamedPrimary {
  port: number;
  key: { name: string; algorithm: 'hmac-sha256'; secret: string };
  stop(): Promise<void>;
}

export async function startNamedPrimary(zone: string, zoneText: string): Promise<NamedPrimary> {
  const { named } = bindBinaries();
  const { dir, remove } = await tempDir('hdns-primary-');
  const port = await freePort();
  const key = {
    name: 'xfr-key',
    algorithm: 'hmac-sha256' as const,
    secret: randomBytes(32).toString('base64'),
  };
  await writeFile(path.join(dir, 'zone.db'), zoneText);
  await writeFile(
    path.join(dir, 'named.conf'),
    `options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  session-keyfile "${dir}/session.key";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  notify no;
  dnssec-validation no;
  allow-transfer { key "${key.name}"; };
};
key "${key.name}" { algorithm ${key.algorithm}; secret "${key.secret}"; };
controls { };
zone "${zone}" { type primary; file "${dir}/zone.db"; };
`,
  );
  const proc: ChildProcess = spawn(named, ['-g', '-c', path.join(dir, 'named.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  proc.stderr?.on('data', (b: Buffer) => {
    log += b.toString();
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null) proc.kill('SIGTERM');
    await exited;
    await remove();
  };
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) break;
    const answer = await dig(port, zone, 'SOA').catch(() => null);
    if (answer?.status === 'NOERROR' && answer.answers.length > 0) return { port, key, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`named primary for ${zone} did not start:\n${log.slice(-2000)}`);
}
