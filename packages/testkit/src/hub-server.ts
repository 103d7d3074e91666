import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import { Hub, MemoryEventLog, wsCompression, type EventLog, type HubOptions } from '@hdns/hub';
import { verifyTestToken } from './token-verifier.js';

/**
 * The one way tests put a real hub behind a real `ws` server. `serveHub` can stop and serve a
 * new hub on the same port, the way a server process restarts (the event log outlives the hub);
 * `startHub` is the everyday case: a fresh hub, its own log and metrics registry, any free port.
 */

/** A hub that accepts the tokens of `token()`; pass a shared `log` to survive restarts. */
export function createTestHub(log: EventLog, options: Partial<HubOptions> = {}): Hub {
  return new Hub({ log, verifyToken: verifyTestToken, ...options });
}

export interface ServeOptions {
  /** 0 (default) picks a free port; pass the previous one to restart in place. */
  port?: number;
  /** Only upgrades on this path are accepted (e.g. '/ws'); default: any path. */
  path?: string;
  /** The `ws` maxPayload; default: ws's own. */
  maxPayload?: number;
  /** Takes a connection over (e.g. a legacy route chosen by URL); false leaves it to the hub. */
  route?: (socket: WebSocket, req: IncomingMessage) => boolean;
  /**
   * permessage-deflate as the app configures it (ws-compression.ts), frames ≥ `threshold`
   * compressed; default: off, as `ws` servers are.
   */
  compression?: { threshold: number };
}

export interface ServedHub {
  readonly hub: Hub;
  readonly port: number;
  /** `ws://127.0.0.1:<port><path>` */
  readonly url: string;
  /** Closes the hub (every session gets its close frame) and stops listening; the log stays open. */
  stop(): Promise<void>;
}

export async function serveHub(hub: Hub, options: ServeOptions = {}): Promise<ServedHub> {
  const wss = new WebSocketServer({
    port: options.port ?? 0,
    host: '127.0.0.1',
    ...(options.path !== undefined ? { path: options.path } : {}),
    ...(options.maxPayload !== undefined ? { maxPayload: options.maxPayload } : {}),
    perMessageDeflate: wsCompression(options.compression ?? false),
  });
  wss.on('connection', (socket, req) => {
    if (options.route?.(socket, req)) return;
    hub.attach(socket, { ip: req.socket.remoteAddress ?? '' });
  });
  await once(wss, 'listening');
  const port = (wss.address() as AddressInfo).port;
  return {
    hub,
    port,
    url: `ws://127.0.0.1:${port}${options.path ?? ''}`,
    async stop() {
      await hub.close();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

export interface TestHub {
  hub: Hub;
  url: string;
  log: EventLog;
  registry: Registry;
  /** Stops serving and closes the log. */
  close(): Promise<void>;
}

export interface HarnessHooks {
  /** Takes a connection over (e.g. a legacy route chosen by URL); false leaves it to v1. */
  route?: (hub: Hub, socket: WebSocket, req: IncomingMessage) => boolean;
}

export async function startHub(
  options: Partial<HubOptions> = {},
  hooks: HarnessHooks = {},
): Promise<TestHub> {
  const log = options.log ?? new MemoryEventLog();
  const registry = new Registry();
  const hub = createTestHub(log, { metricsRegistry: registry, ...options });
  const route = hooks.route;
  const served = await serveHub(hub, {
    maxPayload: 1024 * 1024,
    ...(route ? { route: (socket, req) => route(hub, socket, req) } : {}),
  });
  return {
    hub,
    log,
    registry,
    url: served.url,
    async close() {
      await served.stop();
      await log.close();
    },
  };
}
