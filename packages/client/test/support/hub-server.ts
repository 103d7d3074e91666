/**
 * A real hub behind a real `ws` server that can be stopped and started again on the same port,
 * the way a server process restarts: the event log outlives the hub (same SQLite file or the
 * same MemoryEventLog), the port stays, clients reconnect to the same URL. Tokens and their
 * verifier come from the hub's own test harness.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { Hub, type EventLog, type HubOptions } from '../../../hub/src/index.js';
import { verifyTestToken } from '../../../hub/test/harness.js';

export { token } from '../../../hub/test/harness.js';

export interface Served {
  readonly hub: Hub;
  readonly port: number;
  readonly url: string;
  /** Closes every session with SERVER_RESTARTING and stops listening; the log stays open. */
  stop(): Promise<void>;
}

export function createHub(log: EventLog, options: Partial<HubOptions> = {}): Hub {
  return new Hub({ log, verifyToken: verifyTestToken, batchDelayMs: 5, ...options });
}

/** Serves `hub` on `port` (0 = any free port) at path /ws. */
export async function serve(hub: Hub, port = 0): Promise<Served> {
  const wss = new WebSocketServer({ port, host: '127.0.0.1', path: '/ws' });
  wss.on('connection', (socket, req) => hub.attach(socket, { ip: req.socket.remoteAddress ?? '' }));
  await once(wss, 'listening');
  const actual = (wss.address() as AddressInfo).port;
  return {
    hub,
    port: actual,
    url: `ws://127.0.0.1:${actual}/ws`,
    async stop() {
      await hub.close();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Waits until `check()` is true, polling; rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 10_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
