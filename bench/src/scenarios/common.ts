import { ClientPool, type PoolReport } from '../load/pool.js';
import type { ServerHandle, StartOptions } from '../servers/handle.js';
import { startVariant, type Variant } from '../variants.js';

/** Figures of one run, by metric name. */
export type Figures = Record<string, number>;

/** A run that broke the protocol must fail the bench, never report figures. */
export function assertClean(report: PoolReport, what: string): void {
  if (report.protocolErrors > 0) {
    throw new Error(
      `${what}: ${report.protocolErrors} protocol errors (${report.errorSamples.join('; ')})`,
    );
  }
}

/** Starts the server and a connected client pool; always tears both down. */
export async function withSetup<T>(
  variant: Variant,
  clients: number,
  procs: number,
  body: (server: ServerHandle, pool: ClientPool) => Promise<T>,
  options: StartOptions = {},
): Promise<T> {
  // Server and load-generator processes start in parallel (each takes ~1 s under tsx).
  const [server, pool] = await Promise.allSettled([
    startVariant(variant, options),
    ClientPool.start(variant.kind, clients, { procs }),
  ]);
  if (server.status === 'rejected' || pool.status === 'rejected') {
    if (server.status === 'fulfilled') await server.value.exit();
    if (pool.status === 'fulfilled') await pool.value.close();
    throw server.status === 'rejected' ? server.reason : (pool as PromiseRejectedResult).reason;
  }
  return run(server.value, pool.value, body);
}

async function run<T>(
  server: ServerHandle,
  pool: ClientPool,
  body: (server: ServerHandle, pool: ClientPool) => Promise<T>,
): Promise<T> {
  try {
    await pool.connect(server.url);
    return await body(server, pool);
  } finally {
    await pool.close();
    await server.exit();
  }
}

/**
 * How long a storm waits for every client to be back after the restart. A run that does not
 * get there reports `allResumedMs` as +∞: the worst figure in the median, not a missing one.
 */
export const RESUME_DEADLINE_MS = 60_000;

export function latencyFigures(report: PoolReport, prefix = ''): Figures {
  return {
    [`${prefix}p50Ms`]: report.normal.quantile(0.5),
    [`${prefix}p99Ms`]: report.normal.quantile(0.99),
    [`${prefix}maxMs`]: report.normal.max,
  };
}
