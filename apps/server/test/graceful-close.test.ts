import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

/**
 * A request still in flight when the server starts closing is answered, and its keep-alive
 * socket is then ended by the server, so `close()` does not wait out the keep-alive timeout
 * (72 s; the login limits' shutdown test hung on this under load).
 */

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('graceful close', () => {
  it('answers a request in flight at close with Connection: close and ends its socket', async () => {
    server = await startTestServer();
    const { port } = new URL(server.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));

    // Headers now, the body after close has begun: the request is in flight across the close.
    const body = JSON.stringify({ username: 'nobody', password: 'not-the-password' });
    socket.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n' +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    await waitForServerToSeeRequest();
    const closed = server.close();
    socket.write(body);

    await ended;
    await closed;
    const head = received.split('\r\n\r\n')[0] ?? '';
    expect(head).toMatch(/^HTTP\/1\.1 401 /);
    expect(head.toLowerCase()).toContain('connection: close');
    expect(received).toContain('INVALID_CREDENTIALS');
  });
});

/** The server parses the head on the next turns of its event loop (same process). */
function waitForServerToSeeRequest(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 200));
}
