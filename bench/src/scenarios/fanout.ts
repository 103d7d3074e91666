import type { BenchConfig } from '../config.js';
import type { StartOptions } from '../servers/handle.js';
import { sleep } from '../shared.js';
import type { Variant } from '../variants.js';
import { assertClean, latencyFigures, withSetup, type Figures } from './common.js';

/**
 * Fan-out: N clients, R events/s of P bytes for D seconds. Server CPU (process.cpuUsage() of
 * the server process over the publishing window plus the drain time) per delivered event,
 * deliveries per second, publish → receive latency.
 */
export async function fanout(
  variant: Variant,
  cfg: BenchConfig,
  options: StartOptions = {},
): Promise<Figures> {
  const p = cfg.fanout;
  return withSetup(
    variant,
    p.clients,
    cfg.procs,
    async (server, pool) => {
      await sleep(300);
      const plan = { rate: p.rate, critPerSec: 0, payloadBytes: p.payloadBytes, drainMs: 300 };
      await server.run({ ...plan, durationMs: p.warmupMs });
      await pool.reset();
      const r = await server.run({ ...plan, durationMs: p.durationMs, drainMs: cfg.drainMs });
      const report = await pool.report();
      assertClean(report, `fanout ${variant.name}`);
      const expected = r.published * p.clients;
      return {
        cpuUsPerDelivery: r.cpuUs / Math.max(1, report.deliveries),
        serverCpuPct: (100 * r.cpuUs) / 1000 / (r.wallMs + cfg.drainMs),
        deliveriesPerSec: report.deliveries / (p.durationMs / 1000),
        delivered: report.deliveries / Math.max(1, expected),
        ...latencyFigures(report),
      };
    },
    options,
  );
}
