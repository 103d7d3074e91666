import type { FastifyInstance } from 'fastify';
import {
  apiRequest,
  loginAt,
  makeTempDir,
  removeDir,
  TEST_ADMIN_PASSWORD,
  type ApiInit,
  type ApiResponse,
  type ProcessLogin,
  type ProcessServer,
} from '@hdns/testkit';
import { buildApp, type BuildAppOptions } from '../src/app.js';
import { loadConfig, type AppConfig } from '../src/config.js';
import { REFRESH_COOKIE } from '../src/auth/refresh-cookie.js';
import { testDatabaseEnv } from './storage-backends.js';

/**
 * Starts the real app on 127.0.0.1 port 0 over a temporary data dir (a real SQLite file, or a
 * PostgreSQL database under `HDNS_TEST_DATABASE=postgres`, see storage-backends.ts).
 * Generic on purpose: WebSocket and DNS tests build on it too. REST calls, temp dirs and the
 * admin password are @hdns/testkit's.
 */

export interface TestServerOverrides {
  /** Extra settings as environment strings, e.g. `{ HDNS_LOGIN_MAX_FAILURES_PER_IP: '3' }`. */
  env?: Record<string, string>;
  /** Reuse an existing data dir (e.g. to test a restart); it is then not removed on close. */
  dataDir?: string;
  /** Default: no logging. */
  logger?: BuildAppOptions['logger'];
  /** Runs after buildApp and before listen: register extra plugins or routes here. */
  beforeListen?: (app: FastifyInstance) => void | Promise<void>;
}

/** The login answer as testkit's process server gives it, plus the refresh cookie. */
export interface LoginResult extends ProcessLogin {
  /** `hdns_refresh=<token>`, ready for a Cookie header. */
  refreshCookie: string;
}

/** The in-process app; the rest of its surface is testkit's process server's. */
export interface TestServer extends Omit<ProcessServer, 'proc' | 'login' | 'close'> {
  app: FastifyInstance;
  config: AppConfig;
  /** Logs in; throws unless the answer is 200. */
  login(username?: string, password?: string): Promise<LoginResult>;
  /** Closes the app; removes the data dir if this helper created it. Idempotent. */
  close(): Promise<void>;
}

/** The `name=value` pair of a Set-Cookie header for the refresh cookie, or null. */
export function refreshCookieFrom(headers: Headers): string | null {
  for (const line of headers.getSetCookie()) {
    const pair = line.split(';')[0] ?? '';
    if (pair.startsWith(`${REFRESH_COOKIE}=`) && pair.length > REFRESH_COOKIE.length + 1)
      return pair;
  }
  return null;
}

/**
 * Creates primary zone `zone` holding `www A 192.0.2.1` through `api` (any server's, already
 * authorized as someone who may): the usual starting point of the DNS tests. Throws unless both
 * answer 201.
 */
export async function createZoneWithWww(
  api: (pathname: string, init?: ApiInit) => Promise<ApiResponse>,
  zone: string,
): Promise<void> {
  const created = await api('/api/zones', { method: 'POST', body: { name: zone } });
  if (created.status !== 201) throw new Error(`zone ${zone}: ${created.status}`);
  const rec = await api(`/api/zones/${zone}/records`, {
    method: 'POST',
    body: { name: 'www', type: 'A', value: '192.0.2.1' },
  });
  if (rec.status !== 201) throw new Error(`www.${zone}: ${rec.status}`);
}

export async function startTestServer(overrides: TestServerOverrides = {}): Promise<TestServer> {
  const ownsDir = overrides.dataDir === undefined;
  const dataDir = overrides.dataDir ?? (await makeTempDir());
  const config = loadConfig({
    HDNS_HOST: '127.0.0.1',
    HDNS_PORT: '0',
    HDNS_DATA_DIR: dataDir,
    HDNS_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    HDNS_LOG_LEVEL: 'silent',
    // Most app tests need no DNS server; DNS tests ask for managed mode with free ports.
    HDNS_BIND_MODE: 'off',
    // Background monitor events would shift seqs under tests that count them.
    HDNS_MONITORS: 'false',
    // Suites make many requests from one address; rate-limit tests set a low limit themselves.
    HDNS_RATE_LIMIT_MAX: '10000000',
    ...(await testDatabaseEnv(dataDir)),
    ...overrides.env,
  });
  let app: FastifyInstance;
  try {
    app = await buildApp({ config, logger: overrides.logger ?? false });
    await overrides.beforeListen?.(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
  } catch (err) {
    if (ownsDir) await removeDir(dataDir);
    throw err;
  }
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const url = `http://127.0.0.1:${address.port}`;
  const api = (pathname: string, init?: ApiInit) => apiRequest(`${url}${pathname}`, init);

  let closed: Promise<void> | null = null;
  return {
    url,
    wsUrl: `${url.replace('http', 'ws')}/ws`,
    app,
    dataDir,
    config,
    adminPassword: config.adminPassword ?? TEST_ADMIN_PASSWORD,
    api,
    async login(username = 'admin', password = config.adminPassword ?? TEST_ADMIN_PASSWORD) {
      const { headers, ...login } = await loginAt(url, username, password);
      const refreshCookie = refreshCookieFrom(headers);
      if (!refreshCookie) throw new Error('login set no refresh cookie');
      return { ...login, refreshCookie };
    },
    close() {
      closed ??= (async () => {
        await app.close();
        if (ownsDir) await removeDir(dataDir);
      })();
      return closed;
    },
  };
}
