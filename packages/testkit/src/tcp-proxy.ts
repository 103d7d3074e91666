/**
 * A TCP proxy on 127.0.0.1 in front of a test server (the HTTP server for the CLI, redis-server
 * for the bus), to cut connections the way a network drop does (no close frame): `pause()` destroys every open connection and stops listening (new
 * connections are refused), `resume()` listens again on the same port.
 */
import net from 'node:net';
import { once } from 'node:events';

export interface TcpProxy {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const stop = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    if (server.listening) await new Promise<void>((r) => server.close(() => r()));
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pause: stop,
    async resume() {
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    close: stop,
  };
}
