/**
 * Server processes in HDNS_BIND_LEASE mode for the lease suites: each runs its own managed
 * named on free loopback ports, on the cluster's shared PostgreSQL and Redis.
 */
import { startProcessServer, waitFor, type ProcessServer } from '@hdns/testkit';
import { freeBindPorts, type BindPorts } from './bind-helpers.js';

export interface LeaseInstance {
  server: ProcessServer;
  ports: BindPorts;
}

/** Starts one instance eligible for the lease; `env` holds the shared settings and extras. */
export async function startLeaseInstance(
  env: Record<string, string>,
  ports?: BindPorts,
): Promise<LeaseInstance> {
  const own = ports ?? (await freeBindPorts());
  const server = await startProcessServer({
    env: {
      ...env,
      HDNS_BIND_LEASE: 'true',
      HDNS_BIND_MODE: 'managed',
      HDNS_BIND_DNS_PORT: String(own.dns),
      HDNS_BIND_RNDC_PORT: String(own.rndc),
      HDNS_BIND_STATS_PORT: String(own.stats),
    },
  });
  return { server, ports: own };
}

/**
 * Creates `zone` on `server`, retrying while it answers 503 (alone, it takes the lease and
 * starts its named first): resolves once that instance drives BIND.
 */
export async function createZoneOnHolder(
  server: ProcessServer,
  token: string,
  zone: string,
): Promise<void> {
  await waitFor(
    async () => (await server.api('/api/zones', { token, body: { name: zone } })).status === 201,
    30_000,
    `${server.url} drives BIND`,
    200,
  );
}
