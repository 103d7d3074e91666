/**
 * A real server process with the admin logged in through the real `hdns login`, for the tests of
 * the REST commands: `cli(args)` runs the CLI as that admin, `configDir()` gives a fresh dir for
 * another login.
 */
import { expect } from 'vitest';
import {
  freePort,
  startProcessServer,
  TEST_ADMIN_PASSWORD,
  type ProcessServer,
} from '@hdns/testkit';
import { makeConfigDir, runCli } from './cli-process.js';

export interface CliServer {
  server: ProcessServer;
  /** Runs `hdns` as the logged-in admin. */
  cli(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /** A fresh config dir (removed on close). */
  configDir(): Promise<string>;
  close(): Promise<void>;
}

/** `bind`: a managed named on free ports (RPZ, feeds, zones reach a real named), else off. */
export async function startCliServer(
  options: { bind?: boolean; env?: Record<string, string> } = {},
): Promise<CliServer> {
  const bindEnv: Record<string, string> = options.bind
    ? {
        HDNS_BIND_MODE: 'managed',
        HDNS_BIND_DNS_PORT: String(await freePort()),
        HDNS_BIND_RNDC_PORT: String(await freePort()),
        HDNS_BIND_STATS_PORT: String(await freePort()),
      }
    : { HDNS_BIND_MODE: 'off' };
  const server = await startProcessServer({ env: { ...bindEnv, ...options.env } });
  const dirs: { remove(): Promise<void> }[] = [];
  const configDir = async (): Promise<string> => {
    const d = await makeConfigDir();
    dirs.push(d);
    return d.dir;
  };
  const adminDir = await configDir();
  const login = await runCli(
    ['login', '--url', server.url, '--user', 'admin', '--password-stdin'],
    adminDir,
    `${TEST_ADMIN_PASSWORD}\n`,
  );
  expect(login.code, login.stderr).toBe(0);
  return {
    server,
    cli: (args, input) => runCli(args, adminDir, input),
    configDir,
    close: async () => {
      await server.close();
      await Promise.all(dirs.map((d) => d.remove()));
    },
  };
}
