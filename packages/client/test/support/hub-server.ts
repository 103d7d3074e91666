/**
 * The client tests' hub: testkit's hub server with this package's defaults (a short batch
 * delay, the /ws path the client dials). Stop it and serve a new hub on the same port to
 * restart the way a server process does; the event log outlives the hub.
 */
import { createTestHub, serveHub, type ServedHub } from '@hdns/testkit';
import type { EventLog, Hub, HubOptions } from '../../../hub/src/index.js';

export type Served = ServedHub;

export function createHub(log: EventLog, options: Partial<HubOptions> = {}): Hub {
  return createTestHub(log, { batchDelayMs: 5, ...options });
}

/** Serves `hub` on `port` (0 = any free port) at path /ws. */
export function serve(hub: Hub, port = 0): Promise<Served> {
  return serveHub(hub, { port, path: '/ws' });
}
