import { afterEach } from 'vitest';
import WebSocket from 'ws';
import { TestClient } from '@hdns/testkit';
import { startTestServer, type TestServer, type TestServerOverrides } from './helpers.js';

/**
 * A fresh real app per test plus raw /ws upgrade attempts with chosen headers and a chosen
 * local address (every 127/8 address is loopback on Linux, so a second one is a second peer).
 * The admission and proxy tests need the HTTP status of a refused upgrade, which TestClient
 * does not expose. Kept apart from helpers.ts because it registers a vitest hook.
 */

export type Attempt =
  | { status: 101; ws: WebSocket }
  | { status: number; retryAfter: string | undefined; ws?: undefined };

export interface ServerPerTest {
  /** Starts the app for the current test; it is closed after the test. */
  startServer: (overrides?: TestServerOverrides) => Promise<TestServer>;
  /** Keeps a socket the test opened itself, to be terminated after the test. */
  keep: (ws: WebSocket) => WebSocket;
  /** One upgrade attempt; an opened socket is kept open for the caller until the test ends. */
  upgrade: (
    url: string,
    headers?: Record<string, string>,
    localAddress?: string,
  ) => Promise<Attempt>;
}

/** Registers an afterEach that terminates the kept sockets, then closes the test's app. */
export function serverPerTest(): ServerPerTest {
  let server: TestServer | undefined;
  const sockets: WebSocket[] = [];
  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await server?.close();
    server = undefined;
  });
  const keep = (ws: WebSocket): WebSocket => {
    sockets.push(ws);
    return ws;
  };
  return {
    startServer: async (overrides = {}) => {
      server = await startTestServer(overrides);
      return server;
    },
    keep,
    upgrade: (url, headers = {}, localAddress = '127.0.0.1') =>
      new Promise<Attempt>((resolve) => {
        const ws = new WebSocket(url, { headers, localAddress });
        ws.on('unexpected-response', (_req, res) => {
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] });
          ws.terminate();
        });
        ws.on('open', () => resolve({ status: 101, ws: keep(ws) }));
        // A refused upgrade also emits 'error'; the status above is the result.
        ws.on('error', () => undefined);
      }),
  };
}

/** Authenticates an opened socket with `hello` and waits for the welcome. */
export async function hello(
  opened: Attempt,
  token: string,
  subscribe = ['dns'],
): Promise<TestClient> {
  if (!opened.ws) throw new Error(`refused: ${opened.status}`);
  const client = TestClient.wrap(opened.ws);
  client.send({ type: 'hello', id: 'h', protocol: 1, token, subscribe });
  await client.next('welcome');
  return client;
}
