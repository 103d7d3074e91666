import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { makeTempDir, removeDir } from './http-api.js';

/**
 * A real nginx (Debian's package) for tests, in the foreground with every path in a temp dir:
 * `site` is an `http`-level configuration (upstreams, servers), included as it would be from
 * sites-enabled. `waitPort` is a port the site listens on, awaited before this resolves.
 */
export interface NginxServer {
  readonly dir: string;
  close(): Promise<void>;
}

const BINARY = '/usr/sbin/nginx';

export function nginxBinary(): string {
  if (!existsSync(BINARY)) {
    throw new Error(
      'nginx is not installed: run `bash scripts/setup.sh --test` (or apt-get install -y nginx)',
    );
  }
  return BINARY;
}

/** A self-signed certificate for CN localhost and IP 127.0.0.1, valid one day. */
export function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  return { cert, key };
}

export async function startNginx(site: string, waitPort: number): Promise<NginxServer> {
  const binary = nginxBinary();
  const dir = await makeTempDir('hdns-nginx-');
  const main = `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/site.conf;
}
`;
  await writeFile(path.join(dir, 'site.conf'), site);
  await writeFile(path.join(dir, 'nginx.conf'), main);
  const check = spawnSync(binary, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], {
    encoding: 'utf8',
  });
  if (check.status !== 0) {
    await removeDir(dir);
    throw new Error(`nginx -t failed:\n${check.stderr}`);
  }
  let out = '';
  const child: ChildProcess = spawn(binary, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited:\n${out}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(waitPort, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (open) break;
    if (Date.now() > deadline) throw new Error(`nginx did not listen:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  let closed = false;
  return {
    dir,
    async close() {
      if (closed) return;
      closed = true;
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGQUIT');
        await exited;
      }
      await removeDir(dir);
    },
  };
}
