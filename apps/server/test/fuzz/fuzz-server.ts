import {
  makeTempDir,
  removeDir,
  TEST_ADMIN_PASSWORD,
  freePort,
  startServerProcess,
  type ServerProcess,
} from '@hdns/testkit';
import WebSocket from 'ws';
import type { RawTarget } from './raw-wire.js';

/**
 * The real server process (src/main.ts) the fuzz suite and `npm run fuzz` attack, plus what
 * tells whether it is still healthy after each case:
 *
 * - `/healthz` answers 200;
 * - a watchdog — a second admin with its own real WebSocket client, subscribed to
 *   `admin_broadcast` — posts a broadcast over REST and receives it as an event.
 *
 * Fuzz traffic comes from 127.0.0.2 as the user `admin`; the watchdog talks from 127.0.0.1 as
 * its own user, so per-address and per-user limits the fuzz trips never blind the watchdog.
 */

export const FUZZ_SOURCE = '127.0.0.2';

/** A zone the harness creates, so zone paths also reach the code behind the lookup. */
export const FUZZ_ZONE = 'fuzz.test';

export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: Record<string, unknown>;
}

export interface OpenApiOperation {
  parameters?: { in: string; name: string; schema?: unknown; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}

export interface FuzzServer {
  url: string;
  /** Where fuzz traffic goes (from FUZZ_SOURCE). */
  target: RawTarget;
  adminToken: string;
  adminId: string;
  openapi: OpenApiDoc;
  proc: ServerProcess;
  /** Throws unless the process runs, /healthz is 200 and the watchdog gets its event. */
  checkAlive(): Promise<void>;
  /** /healthz only (cheap). */
  checkHealth(): Promise<void>;
  close(): Promise<void>;
}

async function json(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

async function login(url: string, username: string, password: string): Promise<string> {
  const body = (await json(
    await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    }),
  )) as { accessToken: string; user: { id: string } };
  return body.accessToken;
}

/** The watchdog's WebSocket: resolves waiters when a broadcast with their message arrives. */
class Watchdog {
  private readonly waiters = new Map<string, () => void>();
  private closed: string | null = null;

  constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as {
        type: string;
        events?: { event: string; data: { message?: string } }[];
      };
      if (frame.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
      for (const e of frame.events ?? []) {
        const waiter = e.data.message ? this.waiters.get(e.data.message) : undefined;
        waiter?.();
      }
    });
    ws.on('close', (code) => (this.closed = `closed with ${code}`));
    ws.on('error', () => undefined);
  }

  static async open(url: string, token: string): Promise<Watchdog> {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => resolve());
    });
    const welcome = new Promise<void>((resolve, reject) => {
      ws.once('message', (data: Buffer) => {
        const f = JSON.parse(data.toString()) as { type: string };
        if (f.type === 'welcome') resolve();
        else reject(new Error(`watchdog hello answered ${data.toString()}`));
      });
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        id: 'w',
        protocol: 1,
        token,
        subscribe: ['admin_broadcast'],
      }),
    );
    await welcome;
    return new Watchdog(ws);
  }

  expect(message: string, timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`watchdog socket ${this.closed}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(message);
        reject(new Error(`watchdog did not receive ${message} (${this.closed ?? 'socket open'})`));
      }, timeoutMs);
      this.waiters.set(message, () => {
        clearTimeout(timer);
        this.waiters.delete(message);
        resolve();
      });
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

export async function startFuzzServer(env: Record<string, string> = {}): Promise<FuzzServer> {
  const dataDir = await makeTempDir('hdns-fuzz-');
  const port = await freePort();
  const proc = await startServerProcess(
    {
      HDNS_DATA_DIR: dataDir,
      HDNS_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      HDNS_MONITORS: 'false',
      HDNS_BIND_MODE: 'off',
      HDNS_ACCESS_TOKEN_TTL: '86400',
      HDNS_WS_BATCH_DELAY_MS: '0',
      HDNS_WS_MAX_PER_USER: '100',
      // The watchdog makes a REST write after every case (up to ~100/s): far above the default
      // REST limit. The limiter still runs on every request; it just never refuses here.
      HDNS_RATE_LIMIT_MAX: '1000000',
      HDNS_LOG_LEVEL: 'warn',
      ...env,
    },
    port,
  );
  const url = proc.url;
  try {
    const adminToken = await login(url, 'admin', TEST_ADMIN_PASSWORD);
    const me = (await json(
      await fetch(`${url}/api/auth/me`, { headers: { authorization: `Bearer ${adminToken}` } }),
    )) as { id?: string; user?: { id: string } };
    const adminId = me.user?.id ?? me.id ?? '';
    await json(
      await fetch(`${url}/api/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({
          username: 'watchdog',
          password: 'watchdog-password',
          role: 'admin',
          zones: null,
        }),
      }),
    );
    // A real zone, so fuzzed zone paths also reach the code behind the zone lookup.
    await json(
      await fetch(`${url}/api/zones`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ name: FUZZ_ZONE }),
      }),
    );
    const watchToken = await login(url, 'watchdog', 'watchdog-password');
    const watchdog = await Watchdog.open(url, watchToken);
    const openapi = (await json(await fetch(`${url}/docs/json`))) as OpenApiDoc;
    let n = 0;

    const checkHealth = async (): Promise<void> => {
      if (proc.child.exitCode !== null) throw new Error(`server exited (${proc.child.exitCode})`);
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
    };
    return {
      url,
      target: { port, localAddress: FUZZ_SOURCE },
      adminToken,
      adminId,
      openapi,
      proc,
      checkHealth,
      async checkAlive() {
        await checkHealth();
        const message = `alive-${++n}`;
        const received = watchdog.expect(message, 15_000);
        const res = await fetch(`${url}/api/admin/broadcast`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${watchToken}` },
          body: JSON.stringify({ message, level: 'info' }),
        });
        await res.arrayBuffer();
        if (res.status !== 201) {
          received.catch(() => undefined);
          throw new Error(`watchdog broadcast answered ${res.status}`);
        }
        await received;
      },
      async close() {
        watchdog.close();
        await proc.stop();
        await removeDir(dataDir);
      },
    };
  } catch (err) {
    await proc.stop();
    await removeDir(dataDir);
    throw err;
  }
}
