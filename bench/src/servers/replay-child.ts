import { childConfig, exitChild, runChild, serve } from '../proc.js';
import { startOursWithHub } from './ours.js';
import { replayEvents, type ReplayKind } from './replay-events.js';
import type { ServerConfig } from './types.js';

/**
 * Our hub (SQLite log) in its own process for the compression bench: `fill` writes a backlog of
 * realistic events before any client connects, `cpu` reports the process's CPU time, so the
 * parent measures the server's cost of a replay alone (zlib runs on libuv's threads, which
 * process.cpuUsage() counts).
 */
const config = childConfig<ServerConfig>();

/** Publishes in slices so the log's appends overlap without queueing 5,000 promises at once. */
const SLICE = 100;

async function main(): Promise<void> {
  const { server, hub } = await startOursWithHub(config);
  serve(async (msg) => {
    switch (msg.op) {
      case 'fill': {
        const kind = msg.kind as ReplayKind;
        const events = replayEvents(kind, Number(msg.count));
        const position = await hub.logPosition();
        let head = position.seq;
        for (let i = 0; i < events.length; i += SLICE) {
          const logged = await Promise.all(
            events.slice(i, i + SLICE).map((data) => hub.publish(kind, data, { source: 'bench' })),
          );
          head = Math.max(head, ...logged.map((e) => e.seq));
        }
        return { epoch: position.epoch, from: position.seq, head };
      }
      case 'cpu': {
        const cpu = process.cpuUsage();
        return { cpuUs: cpu.user + cpu.system };
      }
      case 'exit':
        return exitChild(() => server.close());
      default:
        throw new Error(`unknown op ${msg.op}`);
    }
  });
  process.send?.({ op: 'ready', port: server.port, pid: process.pid });
}

runChild(main);
