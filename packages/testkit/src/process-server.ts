import { apiRequest, makeTempDir, removeDir, TEST_ADMIN_PASSWORD } from './http-api.js';
import type { ApiInit, ApiResponse } from './http-api.js';
import { freePort, startServerProcess, type ServerProcess } from './server-process.js';

/**
 * A real server process over a fresh data dir, with the admin signed in on demand: what a
 * package or app outside apps/server starts when its tests need the whole server.
 */

export interface ProcessServerOptions {
  /** Extra settings as environment strings. */
  env?: Record<string, string>;
  /** Prefix of the temporary data dir. */
  prefix?: string;
}

export interface ProcessLogin {
  accessToken: string;
  expiresIn: number;
  user: { id: string; username: string; role: string; zones: string[] | null };
}

export interface ProcessServer {
  url: string;
  /** The v1 WebSocket endpoint, `ws://…/ws`. */
  wsUrl: string;
  dataDir: string;
  adminPassword: string;
  proc: ServerProcess;
  api(pathname: string, init?: ApiInit): Promise<ApiResponse>;
  /** Logs in; throws unless the answer is 200. */
  login(username?: string, password?: string): Promise<ProcessLogin>;
  /** Stops the process and removes the data dir. Idempotent. */
  close(): Promise<void>;
}

/** POST /api/auth/login on `baseUrl`; throws unless the answer is 200. Headers for cookies. */
export async function loginAt(
  baseUrl: string,
  username: string,
  password: string,
): Promise<ProcessLogin & { headers: Headers }> {
  const res = await apiRequest(`${baseUrl}/api/auth/login`, { body: { username, password } });
  if (res.status !== 200) {
    throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const { accessToken, expiresIn, user } = res.body as ProcessLogin;
  return { accessToken, expiresIn, user, headers: res.headers };
}

export async function startProcessServer(
  options: ProcessServerOptions = {},
): Promise<ProcessServer> {
  const dataDir = await makeTempDir(options.prefix ?? 'hdns-proc-');
  let proc: ServerProcess;
  try {
    proc = await startServerProcess(
      {
        HDNS_DATA_DIR: dataDir,
        HDNS_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
        // Background monitor events would shift seqs under tests that count them.
        HDNS_MONITORS: 'false',
        ...options.env,
      },
      await freePort(),
    );
  } catch (err) {
    await removeDir(dataDir);
    throw err;
  }
  const url = proc.url;
  const api = (pathname: string, init?: ApiInit) => apiRequest(`${url}${pathname}`, init);
  let closed: Promise<void> | null = null;
  return {
    url,
    wsUrl: `${url.replace('http', 'ws')}/ws`,
    dataDir,
    adminPassword: TEST_ADMIN_PASSWORD,
    proc,
    api,
    async login(username = 'admin', password = TEST_ADMIN_PASSWORD) {
      const { accessToken, expiresIn, user } = await loginAt(url, username, password);
      return { accessToken, expiresIn, user };
    },
    close() {
      closed ??= (async () => {
        await proc.stop();
        await removeDir(dataDir);
      })();
      return closed;
    },
  };
}
