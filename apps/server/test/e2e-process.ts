/**
 * The server as a child process serving the dashboard. Prefers the real entry point (main.ts via
 * startServerProcess); if that does not serve the dashboard yet (the static plugin is not
 * registered in app.ts), it falls back to e2e-main.ts, which is main.ts plus the plugin.
 */
import { spawn } from 'node:child_process';
import { startServerProcess, type ServerProcess } from './process.js';
import { ROOT } from './e2e-helpers.js';

let mainServesDashboard: boolean | undefined;

async function servesDashboard(url: string): Promise<boolean> {
  const res = await fetch(`${url}/`);
  return res.ok && (await res.text()).includes('<div id="root">');
}

export async function startDashboardProcess(
  env: Record<string, string>,
  port: number,
): Promise<ServerProcess & { entry: 'main.ts' | 'e2e-main.ts' }> {
  if (mainServesDashboard !== false) {
    const proc = await startServerProcess(env, port);
    mainServesDashboard ??= await servesDashboard(proc.url);
    if (mainServesDashboard) return { ...proc, entry: 'main.ts' };
    await proc.stop();
  }
  return { ...(await startFallback(env, port)), entry: 'e2e-main.ts' };
}

async function startFallback(env: Record<string, string>, port: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/test/e2e-main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      HDNS_HOST: '127.0.0.1',
      HDNS_PORT: String(port),
      HDNS_LOG_LEVEL: 'warn',
      HDNS_BIND_MODE: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
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
