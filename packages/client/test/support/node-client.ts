/** RealtimeClient wired for Node tests: the real `ws` socket, quick backoff, a recorded log. */
import WebSocket from 'ws';
import type { ConnectionSnapshot } from '../../src/connection-state.js';
import type { RealtimeClientOptions } from '../../src/options.js';
import { RealtimeClient } from '../../src/realtime-client.js';
import { recordingLogger } from './recording-logger.js';

export interface NodeClient {
  client: RealtimeClient;
  states: ConnectionSnapshot[];
  warnings: string[];
  /** How many times the state became `open`. */
  opens(): number;
}

export function nodeClient(
  options: Pick<RealtimeClientOptions, 'url' | 'getToken'> & Partial<RealtimeClientOptions>,
): NodeClient {
  const logger = recordingLogger();
  const client = new RealtimeClient({
    WebSocket,
    reconnect: { baseMs: 20, capMs: 200 },
    network: false,
    logger,
    ...options,
  });
  const states: ConnectionSnapshot[] = [];
  client.onState((s) => states.push(s));
  return {
    client,
    states,
    warnings: logger.warnings,
    opens: () => states.filter((s) => s.state === 'open').length,
  };
}
