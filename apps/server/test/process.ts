import path from 'node:path';
import { SqliteDriver, type SqliteDatabase } from '@hdns/hub';
import {
  apiRequest,
  freePort,
  makeTempDir,
  removeDir,
  startServerProcess,
  type ApiInit,
  type ApiResponse,
  type ServerProcess,
} from '@hdns/testkit';

export interface RestartableServer {
  readonly dataDir: string;
  /** The running process, or null after a stop or a crash. */
  readonly proc: ServerProcess | null;
  /** The admin's access token from the latest start. */
  readonly token: string;
  /** Starts a process (stop the previous one first: one per data dir and port) as admin. */
  start(extra?: Record<string, string>): Promise<ServerProcess>;
  stop(): Promise<void>;
  /** A request to the running process with the admin's token (override it in `init`). */
  api(pathname: string, init?: ApiInit): Promise<ApiResponse>;
  wsUrl(): string;
  /**
   * Starts a process armed with the test-only fault point `point` (HDNS_TEST_CRASH_AT), runs
   * `act` and waits for the process to die; throws unless it died by SIGKILL, as the fault
   * point makes it. Returns what `act` returned.
   */
  crashAt<T>(point: string, act: () => Promise<T>): Promise<T>;
  /**
   * Reads the app database and the event log straight from the data dir, read-only (between a
   * crash and the next start, or beside a running process).
   */
  readFiles<T>(read: (app: SqliteDatabase, events: SqliteDatabase) => T): T;
  /** Stops the process and removes the data dir. */
  close(): Promise<void>;
}

export interface RestartableOptions {
  /** Prefix of the temporary data dir. */
  prefix: string;
  adminPassword: string;
  /** Settings for every start (a start's `extra` adds to them). */
  env?: Record<string, string>;
  /** Primary zones created on a first start (then stopped), before `seed`. */
  zones?: string[];
  /** More of what the tests start from, on that first start. */
  seed?: (server: RestartableServer) => Promise<void>;
}

/**
 * The real server process over one data dir and one port, stopped, crashed and restarted at
 * will: for tests of what the files hold between a crash and the next start.
 */
export async function restartableServer(options: RestartableOptions): Promise<RestartableServer> {
  const dataDir = await makeTempDir(options.prefix);
  const port = await freePort();
  let proc: ServerProcess | null = null;
  let token = '';
  const running = (): ServerProcess => {
    if (!proc) throw new Error('no server running');
    return proc;
  };
  const server: RestartableServer = {
    dataDir,
    get proc() {
      return proc;
    },
    get token() {
      return token;
    },
    async start(extra = {}) {
      const p = await startServerProcess(
        {
          HDNS_DATA_DIR: dataDir,
          HDNS_ADMIN_PASSWORD: options.adminPassword,
          HDNS_MONITORS: 'false',
          ...options.env,
          ...extra,
        },
        port,
      );
      proc = p;
      const login = await apiRequest(`${p.url}/api/auth/login`, {
        body: { username: 'admin', password: options.adminPassword },
      });
      if (login.status !== 200) throw new Error(`admin login failed: ${login.status}`);
      token = (login.body as { accessToken: string }).accessToken;
      return p;
    },
    async stop() {
      await proc?.stop();
      proc = null;
    },
    api(pathname, init = {}) {
      return apiRequest(`${running().url}${pathname}`, { token, ...init });
    },
    wsUrl() {
      return `${running().url.replace('http', 'ws')}/ws`;
    },
    async crashAt(point, act) {
      const armed = await server.start({ HDNS_TEST_CRASH_AT: point });
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        armed.child.once('exit', (_code, signal) => resolve(signal)),
      );
      const result = await act();
      const signal = await exited;
      proc = null;
      if (signal !== 'SIGKILL') throw new Error(`expected a crash at ${point}, got ${signal}`);
      return result;
    },
    readFiles(read) {
      const app = new SqliteDriver(path.join(dataDir, 'hdns.sqlite'), { readonly: true });
      try {
        const events = new SqliteDriver(path.join(dataDir, 'events.sqlite'), { readonly: true });
        try {
          return read(app, events);
        } finally {
          events.close();
        }
      } finally {
        app.close();
      }
    },
    async close() {
      await server.stop();
      await removeDir(dataDir);
    },
  };
  if (options.zones || options.seed) {
    try {
      await server.start();
      for (const name of options.zones ?? []) {
        const created = await server.api('/api/zones', { method: 'POST', body: { name } });
        if (created.status !== 201) throw new Error(`zone ${name}: ${created.status}`);
      }
      await options.seed?.(server);
      await server.stop();
    } catch (err) {
      await server.close();
      throw err;
    }
  }
  return server;
}
