import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A WebSocket client at the TCP level: it performs the upgrade, sends masked text frames, and
 * can stop reading altogether (socket.pause()), which is what a stuck browser tab looks like
 * to the server. For tests and bench scenarios of backpressure.
 */

export interface RawConnectOptions {
  /**
   * Swallow socket errors after the upgrade (a server that drops a stuck client resets it);
   * the bench wants that, a test usually wants to see the error.
   */
  ignoreErrors?: boolean;
  /** The Sec-WebSocket-Extensions offer (e.g. 'permessage-deflate'); default: none. */
  extensions?: string;
  /** Called with the server's HTTP response head (status line and headers). */
  onHead?: (head: string) => void;
}

export async function rawConnect(url: string, options: RawConnectOptions = {}): Promise<Socket> {
  const { hostname, port, pathname, search } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(
        `GET ${pathname || '/'}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
          `Upgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
          (options.extensions ? `Sec-WebSocket-Extensions: ${options.extensions}\r\n` : '') +
          '\r\n',
      );
      let head = '';
      const onData = (chunk: Buffer): void => {
        head += chunk.toString('latin1');
        if (head.includes('\r\n\r\n')) {
          socket.off('data', onData);
          options.onHead?.(head.slice(0, head.indexOf('\r\n\r\n')));
          if (head.startsWith('HTTP/1.1 101')) resolve();
          else reject(new Error(head.split('\r\n')[0]));
        }
      };
      socket.on('data', onData);
    });
  });
  if (options.ignoreErrors) socket.on('error', () => undefined);
  return socket;
}

/** Writes one masked text frame (clients must mask). */
export function rawSend(socket: Socket, text: string): void {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  let header: Buffer;
  if (payload.length < 126) {
    header = Buffer.from([0x81, 0x80 | payload.length]);
  } else if (payload.length < 65536) {
    header = Buffer.alloc(4);
    header[0] = 0x81;
    header[1] = 0x80 | 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x81;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
  socket.write(Buffer.concat([header, mask, payload]));
}

export interface RawHello {
  token: string;
  subscribe?: string[];
  /** The request id; default 'h'. */
  id?: string;
  client?: { name: string };
}

/** Sends the v1 hello over a raw socket (the start of every stuck-client scenario). */
export function rawHello(socket: Socket, hello: RawHello): void {
  rawSend(
    socket,
    JSON.stringify({
      type: 'hello',
      id: hello.id ?? 'h',
      protocol: 1,
      token: hello.token,
      ...(hello.subscribe ? { subscribe: hello.subscribe } : {}),
      ...(hello.client ? { client: hello.client } : {}),
    }),
  );
}
