import { DEFAULT_MONITORS_CONFIG } from '../../../apps/server/src/monitors/monitors-config.js';
import { QueryStream } from '../../../apps/server/src/monitors/query-stream.js';
import { childConfig, exitChild, runChild, serve } from '../proc.js';
import { startOursWithHub } from './ours.js';
import type { ServerConfig } from './types.js';

/**
 * Our hub with the app's query-log stream, in its own process: the stream tails `logPath` with
 * the app's default monitor settings (poll interval, events-per-second cap, stats windows), so
 * the latency measured from the writer to a WebSocket client is the product's own.
 */
const config = childConfig<ServerConfig & { logPath: string }>();

async function main(): Promise<void> {
  const { server, hub } = await startOursWithHub(config);
  const stream = new QueryStream(hub, {
    ...DEFAULT_MONITORS_CONFIG.queryLog,
    path: config.logPath,
  });
  const stop = stream.start();
  serve(async (msg) => {
    switch (msg.op) {
      case 'counters':
        return { ...stream.counters };
      case 'exit':
        return exitChild(async () => {
          await stop();
          await server.close();
        });
      default:
        throw new Error(`unknown op ${msg.op}`);
    }
  });
  process.send?.({ op: 'ready', port: server.port, pid: process.pid });
}

runChild(main);
