import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { Hub, MemoryEventLog, SqliteEventLog, wsCompression, type EventLog } from '@hdns/hub';
// The testkit's token verifier: no JWT cost in the figures.
import { verifyTestToken } from '@hdns/testkit/token-verifier';
import type { BenchData } from '../shared.js';
import { openRedisStream } from './redis-stream.js';
import { LISTEN_BACKLOG, type BenchServer, type ServerConfig } from './types.js';

/** Our Hub on a `ws` server, mounted the way the hub's test harness mounts it. */
export async function startOurs(config: ServerConfig): Promise<BenchServer> {
  return (await startOursWithHub(config)).server;
}

/** The same, with the Hub itself for sources that publish in-process (the query-log stream). */
export async function startOursWithHub(
  config: ServerConfig,
): Promise<{ server: BenchServer; hub: Hub }> {
  const redis = config.redisUrl
    ? await openRedisStream(config.redisUrl, config.redisPrefix ?? 'bench')
    : undefined;
  const t = config.tuning;
  const log: EventLog =
    redis?.log ??
    (config.sqlitePath ? new SqliteEventLog({ path: config.sqlitePath }) : new MemoryEventLog());
  const hub = new Hub({
    log,
    ...(redis ? { bus: redis.bus } : {}),
    verifyToken: verifyTestToken,
    batchDelayMs: config.batchDelayMs ?? 20,
    outbound: {
      ...(config.maxBatchEvents ? { maxBatchEvents: config.maxBatchEvents } : {}),
      ...(t?.maxInflightBytes ? { maxInflightBytes: t.maxInflightBytes } : {}),
    },
    ...(t?.widenMaxFactor ? { batchWidening: { maxFactor: t.widenMaxFactor } } : {}),
    ...(t?.flushSlice ? { flushSlice: t.flushSlice } : {}),
    ...(config.heartbeatMs ? { session: { heartbeatMs: config.heartbeatMs } } : {}),
    maxConnections: 100_000,
    ...(config.compression ? { compression: config.compression } : {}),
  });
  const http = createServer();
  const wss = new WebSocketServer({
    server: http,
    maxPayload: 1024 * 1024,
    perMessageDeflate: wsCompression(config.compression ?? false),
  });
  wss.on('connection', (socket, req) => hub.attach(socket, { ip: req.socket.remoteAddress ?? '' }));
  http.listen(config.port, '127.0.0.1', LISTEN_BACKLOG);
  await once(http, 'listening');
  let failures = 0;
  const server: BenchServer = {
    port: (http.address() as AddressInfo).port,
    publish(data: BenchData, critical: boolean) {
      hub
        .publish('config_change', data, {
          source: 'bench',
          ...(critical ? { priority: 'critical' as const } : {}),
        })
        .catch((err: unknown) => {
          if (failures++ === 0) console.error('publish failed', err);
        });
    },
    connections: () => hub.localStats().connections,
    stats: () => ({ ...hub.localStats(), windowMs: hub.batchWindowMs }),
    async close() {
      await hub.close();
      for (const c of wss.clients) c.terminate();
      wss.close();
      http.close();
      await (redis ? redis.close() : log.close());
    },
  };
  return { server, hub };
}
