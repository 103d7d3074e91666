import type { BenchConfig } from '../config.js';
import { ClientPool } from '../load/pool.js';
import { sleep } from '../shared.js';
import { startVariant, type Variant } from '../variants.js';
import type { Figures } from './common.js';

/**
 * Memory per idle connection: server RSS after GC (run with --expose-gc, three gc() calls)
 * before any client, then with the first `sizes[0]` clients connected (ours: authenticated and
 * subscribed), then with `sizes[1]`. Two pools with disjoint user ids, each split over
 * processes so no process needs more than ~5,000 descriptors.
 */
export async function memory(variant: Variant, cfg: BenchConfig): Promise<Figures> {
  const [small, large] = cfg.memory.sizes;
  const server = await startVariant(variant);
  const pools: ClientPool[] = [];
  try {
    await sleep(cfg.memory.settleMs);
    const before = await server.mem();
    const procs = Math.max(1, Math.ceil(small / 5_000));
    const first = await ClientPool.start(variant.kind, small, { procs });
    pools.push(first);
    await first.connect(server.url, 100);
    await sleep(cfg.memory.settleMs);
    const atSmall = await server.mem();
    const rest = large - small;
    const second = await ClientPool.start(variant.kind, rest, {
      procs: Math.max(1, Math.ceil(rest / 5_000)),
      base: small,
    });
    pools.push(second);
    await second.connect(server.url, 100);
    await sleep(cfg.memory.settleMs);
    const atLarge = await server.mem();
    if (atLarge.connections !== large)
      throw new Error(`memory ${variant.name}: ${atLarge.connections} of ${large} connected`);
    return {
      baselineRssMB: before.rss / 2 ** 20,
      [`rssPerConnKB@${small}`]: (atSmall.rss - before.rss) / small / 1024,
      [`rssPerConnKB@${large}`]: (atLarge.rss - before.rss) / large / 1024,
      [`heapPerConnKB@${large}`]: (atLarge.heapUsed - before.heapUsed) / large / 1024,
    };
  } finally {
    for (const p of pools) await p.close();
    await server.exit();
  }
}
