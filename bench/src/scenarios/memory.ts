import type { BenchConfig } from '../config.js';
import { raiseFdLimit } from '../load/fd-limit.js';
import { ClientPool } from '../load/pool.js';
import { ServerHandle } from '../servers/handle.js';
import { sleep } from '../shared.js';
import { serverConfig, type Variant } from '../variants.js';
import type { Figures } from './common.js';

/** Clients per load-generator process: no process needs more than ~5,000 descriptors. */
const PER_PROC = 5_000;

/**
 * Memory per idle connection: server RSS after GC (run with --expose-gc, three gc() calls)
 * before any client, then with the first `sizes[0]` clients connected (ours: authenticated and
 * subscribed), then with `sizes[1]`, then with `idle.clients` held for longer than a heartbeat
 * interval (ours pings every `idle.heartbeatMs` and the clients answer, so every session has
 * been through a heartbeat before the measure). Pools have disjoint user ids and are split over
 * processes of at most 5,000 clients; the server, which holds them all, gets its open-file
 * limit raised first (`raiseFdLimit`: the processes forked afterwards inherit it).
 */
export async function memory(variant: Variant, cfg: BenchConfig): Promise<Figures> {
  const [small, large] = cfg.memory.sizes;
  const limit = raiseFdLimit(cfg.memory.idle.clients + 2_000);
  // Where the hard limit cannot be raised (no CAP_SYS_RESOURCE, e.g. a container capped at
  // 20,000), the last step holds as many as the server's limit allows, named in the figures'
  // keys, rather than failing: the figure says what was measured.
  const held = Math.min(cfg.memory.idle.clients, Math.floor((limit - 200) / 100) * 100);
  if (!(held > large))
    throw new Error(`memory: open-file limit ${limit} is too low for ${large} sockets`);
  if (held < cfg.memory.idle.clients)
    console.log(
      `memory: open-file limit ${limit}: holding ${held}, not ${cfg.memory.idle.clients}`,
    );
  const idle = { ...cfg.memory.idle, clients: held };
  const server = await ServerHandle.start({
    ...serverConfig(variant),
    ...(variant.kind === 'ours' ? { heartbeatMs: idle.heartbeatMs } : {}),
  });
  const pools: ClientPool[] = [];
  /** Connects `n` more clients (ids from `base`) and returns the settled memory figures. */
  const grow = async (n: number, base: number, settleMs: number) => {
    const pool = await ClientPool.start(variant.kind, n, {
      procs: Math.max(1, Math.ceil(n / PER_PROC)),
      base,
    });
    pools.push(pool);
    await pool.connect(server.url, 100);
    await sleep(settleMs);
    return server.mem();
  };
  try {
    await sleep(cfg.memory.settleMs);
    const before = await server.mem();
    const atSmall = await grow(small, 0, cfg.memory.settleMs);
    const atLarge = await grow(large - small, small, cfg.memory.settleMs);
    if (atLarge.connections !== large)
      throw new Error(`memory ${variant.name}: ${atLarge.connections} of ${large} connected`);
    // Held past a heartbeat interval and a half: every session pinged and answered once.
    const atIdle = await grow(
      idle.clients - large,
      large,
      Math.max(cfg.memory.settleMs, idle.heartbeatMs * 1.5),
    );
    if (atIdle.connections !== idle.clients)
      throw new Error(`memory ${variant.name}: ${atIdle.connections} of ${idle.clients} connected`);
    return {
      baselineRssMB: before.rss / 2 ** 20,
      [`rssPerConnKB@${small}`]: (atSmall.rss - before.rss) / small / 1024,
      [`rssPerConnKB@${large}`]: (atLarge.rss - before.rss) / large / 1024,
      [`heapPerConnKB@${large}`]: (atLarge.heapUsed - before.heapUsed) / large / 1024,
      [`rssMB@${idle.clients}`]: atIdle.rss / 2 ** 20,
      [`rssPerConnKB@${idle.clients}`]: (atIdle.rss - before.rss) / idle.clients / 1024,
      [`heapPerConnKB@${idle.clients}`]: (atIdle.heapUsed - before.heapUsed) / idle.clients / 1024,
    };
  } finally {
    for (const p of pools) await p.close();
    await server.exit();
  }
}
