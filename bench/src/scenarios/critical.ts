import type { BenchConfig } from '../config.js';
import type { ClientPool } from '../load/pool.js';
import { sampleTcpQueues } from '../load/tcp-queues.js';
import type { ServerHandle } from '../servers/handle.js';
import { sleep } from '../shared.js';
import type { Variant } from '../variants.js';
import { assertClean, withSetup, type Figures } from './common.js';

/**
 * Critical under saturation. A ramp (rates doubling, a few seconds each) finds the highest
 * normal rate the whole rig sustains: the publisher keeps pace (≥ 95 % of the plan), ≥ 99 % of
 * deliveries arrive within 0.5 s of drain and the normal p99 stays under 500 ms. Measured runs
 * then publish at that rate plus one critical event per second (ours: priority 'critical';
 * peers: just another emit). Each run also reports what the kernel held per client socket
 * meanwhile (median and largest of samples every 0.5 s, `tcp-queues.ts`): a critical frame
 * written at that moment waits behind it, wherever it was queued in the server.
 */
async function step(
  server: ServerHandle,
  pool: ClientPool,
  rate: number,
  durationMs: number,
  critPerSec: number,
  payloadBytes: number,
): Promise<{ ok: boolean; figures: Figures }> {
  await pool.reset();
  const queues = sampleTcpQueues(server.port);
  const r = await server.run({ rate, critPerSec, payloadBytes, durationMs, drainMs: 500 });
  const held = await queues();
  const report = await pool.report();
  assertClean(report, `critical ${server.kind}`);
  const expected = r.published * pool.clients;
  const delivered = report.deliveries / Math.max(1, expected + r.critical * pool.clients);
  const p50 = report.normal.quantile(0.5);
  const p99 = report.normal.quantile(0.99);
  const ok = r.published >= 0.95 * r.planned && delivered >= 0.99 && p99 < 500;
  return {
    ok,
    figures: {
      rate,
      publishedPerSec: r.published / (durationMs / 1000),
      delivered,
      normalP50Ms: p50,
      normalP99Ms: p99,
      criticalP50Ms: report.critical.quantile(0.5),
      criticalP99Ms: report.critical.quantile(0.99),
      criticalMaxMs: report.critical.max,
      criticalSamples: report.critical.count,
      clientRecvQueueKB: held?.clientRecvKB ?? Number.NaN,
      clientRecvQueueMaxKB: held?.clientRecvMaxKB ?? Number.NaN,
      serverSendQueueKB: held?.serverSendKB ?? Number.NaN,
      serverSendQueueMaxKB: held?.serverSendMaxKB ?? Number.NaN,
    },
  };
}

export async function findSustainedRate(variant: Variant, cfg: BenchConfig): Promise<number> {
  const p = cfg.critical;
  if (p.rampRates.length === 1) return p.rampRates[0] ?? 100;
  return withSetup(variant, p.clients, cfg.procs, async (server, pool) => {
    let sustained = p.rampRates[0] ?? 100;
    for (const rate of p.rampRates) {
      const { ok } = await step(server, pool, rate, p.rampStepMs, 0, p.payloadBytes);
      if (!ok) break;
      sustained = rate;
      await sleep(300);
    }
    return sustained;
  });
}

export async function critical(variant: Variant, cfg: BenchConfig, rate: number): Promise<Figures> {
  const p = cfg.critical;
  return withSetup(variant, p.clients, cfg.procs, async (server, pool) => {
    await sleep(300);
    return (await step(server, pool, rate, p.durationMs, 1, p.payloadBytes)).figures;
  });
}
