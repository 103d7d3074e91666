import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { BenchData } from '../shared.js';
import { LISTEN_BACKLOG, type BenchServer, type ServerConfig } from './types.js';

/** Socket.IO 4 over the websocket transport only; every event is one `io.emit`. */
export async function startSocketIo(config: ServerConfig): Promise<BenchServer> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], serveClient: false });
  http.listen(config.port, '127.0.0.1', LISTEN_BACKLOG);
  await once(http, 'listening');
  return {
    port: (http.address() as AddressInfo).port,
    publish(data: BenchData) {
      io.emit('ev', data);
    },
    connections: () => io.engine.clientsCount,
    async close() {
      io.disconnectSockets(true);
      await io.close();
    },
  };
}
