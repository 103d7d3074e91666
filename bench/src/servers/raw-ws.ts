import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import type { BenchData } from '../shared.js';
import { LISTEN_BACKLOG, type BenchServer, type ServerConfig } from './types.js';

/** The floor: serialize once with JSON.stringify, send the same string to every socket. */
export async function startRawWs(config: ServerConfig): Promise<BenchServer> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, maxPayload: 1024 * 1024 });
  http.listen(config.port, '127.0.0.1', LISTEN_BACKLOG);
  await once(http, 'listening');
  return {
    port: (http.address() as AddressInfo).port,
    publish(data: BenchData) {
      const text = JSON.stringify(data);
      for (const c of wss.clients) if (c.readyState === WebSocket.OPEN) c.send(text);
    },
    connections: () => wss.clients.size,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      http.close();
      await Promise.resolve();
    },
  };
}
