import type { EventFrame } from '@hdns/protocol';
import { TestClient, type ApiInit, type ApiResponse } from '@hdns/testkit';
import { freeBindPorts } from './bind-helpers.js';
import { startTestServer, type TestServer } from './helpers.js';

/**
 * The app in managed mode (a real named on free loopback ports), logged in as admin, with an
 * admin WebSocket subscribed to `subscribe`. Shared by the DNS test files that need named.
 */
export interface DnsHarness {
  server: TestServer;
  admin: string;
  dnsPort: number;
  rndcPort: number;
  ws: TestClient;
  api(pathname: string, init?: ApiInit): Promise<ApiResponse>;
  eventsOf(type: string): EventFrame[];
  /** Resolves with the first event of `type` received so far or later that satisfies `match`. */
  waitEvent(
    type: string,
    match?: (data: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<EventFrame>;
  close(): Promise<void>;
}

export async function startDnsHarness(
  subscribe: string[],
  env: Record<string, string> = {},
): Promise<DnsHarness> {
  const ports = await freeBindPorts();
  const server = await startTestServer({
    env: {
      HDNS_BIND_MODE: 'managed',
      HDNS_BIND_DNS_PORT: String(ports.dns),
      HDNS_BIND_RNDC_PORT: String(ports.rndc),
      HDNS_BIND_STATS_PORT: String(ports.stats),
      ...env,
    },
  });
  try {
    const admin = (await server.login()).accessToken;
    const { client: ws } = await TestClient.connect(`${server.url.replace('http', 'ws')}/ws`, {
      token: admin,
      subscribe,
    });
    const eventsOf = (type: string): EventFrame[] => ws.events.filter((e) => e.event === type);
    return {
      server,
      admin,
      dnsPort: ports.dns,
      rndcPort: ports.rndc,
      ws,
      api: (pathname, init = {}) => server.api(pathname, { token: admin, ...init }),
      eventsOf,
      waitEvent: (type, match = () => true, timeoutMs = 10_000) =>
        ws.waitFor(
          () => eventsOf(type).find((e) => match((e.data ?? {}) as Record<string, unknown>)),
          timeoutMs,
        ),
      async close() {
        ws.close();
        await server.close();
      },
    };
  } catch (err) {
    await server.close();
    throw err;
  }
}
