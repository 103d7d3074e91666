/** Client options, their defaults, and their resolution into one fully-specified object. */
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { consoleLogger, type ClientLogger } from './logger.js';
import { defaultNetworkTarget, type NetworkTarget } from './network-status.js';
import {
  globalWebSocket,
  WebSocketTransport,
  type Transport,
  type WebSocketConstructor,
} from './transport.js';

/** What a getToken() call is for. */
export interface TokenRequest {
  /** `connect`: for a hello; `refresh`: for an in-band `auth` before the token expires. */
  purpose: 'connect' | 'refresh';
  /**
   * True when the server voided or refused the last token: the socket closed with
   * PERMISSIONS_CHANGED (the user's role or zones changed) or TOKEN_EXPIRED. A provider that
   * caches tokens must get a new one (e.g. call the refresh endpoint) instead of the cached one.
   */
  fresh: boolean;
}

export interface RealtimeClientOptions {
  /** `ws(s)://host/ws`, or a function read before every connect (e.g. to rotate hosts). */
  url: string | (() => string);
  /** Called before every connect and every in-band refresh; never cached by the client. */
  getToken: (request: TokenRequest) => Promise<string> | string;
  /**
   * WebSocket constructor; default `globalThis.WebSocket`. In Node ≤ 20 pass `ws`. Browsers and
   * `ws` (with its defaults, as the transport constructs it) offer permessage-deflate, which the
   * server accepts for large frames (replays, bulk results); nothing to configure here.
   */
  WebSocket?: WebSocketConstructor;
  /** Replaces the socket altogether (tab relays, tests). Takes precedence over `WebSocket`. */
  transport?: Transport;
  /** Initial subscription items (event types, categories, '*'); default: the server's per-role set. */
  subscriptions?: string[];
  reconnect?: Partial<BackoffPolicy>;
  /** No frame for this many heartbeat intervals means the connection is dead. Default 2.5. */
  heartbeatGraceFactor?: number;
  /** Limit for socket open + hello + welcome. Default 10 s. */
  connectTimeoutMs?: number;
  /** Client frames kept while disconnected; the oldest is dropped past it. Default 100. */
  offlineQueueSize?: number;
  /** Share of the token lifetime after which it is refreshed in-band. Default 0.8. */
  tokenRefreshAt?: number;
  clientName?: string;
  clientVersion?: string;
  /**
   * Stable per browser or process. The server lets a newer connection with the same id
   * supersede older ones (close SUPERSEDED, terminal). Default: random per client object.
   */
  instanceId?: string;
  logger?: ClientLogger;
  /** Randomness for backoff jitter; [0, 1). */
  random?: () => number;
  /** Source of online/offline events; default globalThis in browsers; false disables. */
  network?: NetworkTarget | false;
}

export interface ResolvedOptions {
  url: () => string;
  getToken: (request: TokenRequest) => Promise<string> | string;
  transport: Transport;
  subscriptions: string[] | undefined;
  backoff: BackoffPolicy;
  heartbeatGraceFactor: number;
  connectTimeoutMs: number;
  offlineQueueSize: number;
  tokenRefreshAt: number;
  client: { name?: string; version?: string; instanceId: string };
  logger: ClientLogger;
  random: () => number;
  network: NetworkTarget | undefined;
}

export const CLIENT_VERSION = '0.1.0';

export function resolveOptions(o: RealtimeClientOptions): ResolvedOptions {
  const url = o.url;
  return {
    url: typeof url === 'function' ? url : () => url,
    getToken: o.getToken,
    transport: o.transport ?? new WebSocketTransport(webSocketOf(o)),
    subscriptions: o.subscriptions ? [...o.subscriptions] : undefined,
    backoff: { ...DEFAULT_BACKOFF, ...o.reconnect },
    heartbeatGraceFactor: o.heartbeatGraceFactor ?? 2.5,
    connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
    offlineQueueSize: o.offlineQueueSize ?? 100,
    tokenRefreshAt: o.tokenRefreshAt ?? 0.8,
    client: {
      ...(o.clientName !== undefined ? { name: o.clientName } : {}),
      version: o.clientVersion ?? CLIENT_VERSION,
      instanceId: o.instanceId ?? randomId(),
    },
    logger: o.logger ?? consoleLogger,
    random: o.random ?? Math.random,
    network: o.network === false ? undefined : (o.network ?? defaultNetworkTarget()),
  };
}

function webSocketOf(o: RealtimeClientOptions): WebSocketConstructor {
  const impl = o.WebSocket ?? globalWebSocket();
  if (!impl) {
    throw new TypeError(
      'No WebSocket implementation: pass the `WebSocket` option (e.g. the `ws` package in Node).',
    );
  }
  return impl;
}

function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
