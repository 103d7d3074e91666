import type { BenchConfig } from '../config.js';
import { ClientPool } from '../load/pool.js';
import { ServerHandle } from '../servers/handle.js';
import type { ServerConfig } from '../servers/types.js';
import { sleep } from '../shared.js';
import { OURS } from '../variants.js';
import { assertClean, latencyFigures, RESUME_DEADLINE_MS, type Figures } from './common.js';
import { NginxFront } from './nginx-front.js';
import type { RedisRig } from './redis-rig.js';

/**
 * Two instances of ours, each in its own process, sharing the event log and bus in Redis
 * (RedisEventLog + RedisBus, as HDNS_REDIS_URL wires them), with the clients split between them:
 * client i on instance i % 2 (direct connections), or, with `front`, every client through a
 * real nginx running the shipped site (docs/deploy/nginx-hdns.conf), which balances them.
 * Instance A publishes; every event goes through Redis to both instances' buses, A's own
 * included.
 */
interface Pair {
  a: ServerHandle;
  b: ServerHandle;
  pool: ClientPool;
  prefix: string;
  front?: NginxFront;
}

function instanceConfig(rig: RedisRig, prefix: string): ServerConfig {
  return {
    kind: 'ours',
    port: 0,
    batchDelayMs: OURS.batchDelayMs ?? 20,
    redisUrl: rig.url,
    redisPrefix: prefix,
  };
}

/** Starts both instances and the client pool (in parallel), connects, runs, tears all down. */
async function withPair<T>(
  rig: RedisRig,
  clients: number,
  pool: { procs: number; storm?: boolean; viaNginx?: boolean },
  body: (pair: Pair) => Promise<T>,
): Promise<T> {
  const prefix = rig.freshPrefix();
  const started = await Promise.allSettled([
    ServerHandle.start(instanceConfig(rig, prefix)),
    ServerHandle.start(instanceConfig(rig, prefix)),
    ClientPool.start('ours', clients, pool),
  ]);
  const [a, b, p] = started;
  let front: NginxFront | undefined;
  try {
    if (a.status === 'rejected') throw a.reason;
    if (b.status === 'rejected') throw b.reason;
    if (p.status === 'rejected') throw p.reason;
    if (pool.viaNginx) {
      front = await NginxFront.start([a.value.port, b.value.port]);
      await p.value.connect([front.url], 100);
      await assertBalanced(a.value, b.value);
    } else {
      await p.value.connect([a.value.url, b.value.url], 100);
    }
    const pair = { a: a.value, b: b.value, pool: p.value, prefix };
    return await body(front ? { ...pair, front } : pair);
  } finally {
    if (p.status === 'fulfilled') await p.value.close();
    await front?.close();
    if (a.status === 'fulfilled') await a.value.exit();
    if (b.status === 'fulfilled') await b.value.exit();
  }
}

/** nginx balanced the sockets (round robin): each instance holds some of them. */
async function assertBalanced(a: ServerHandle, b: ServerHandle): Promise<void> {
  const [onA, onB] = [(await a.stats()).connections, (await b.stats()).connections];
  if (onA === 0 || onB === 0) throw new Error(`nginx did not balance: ${onA} on A, ${onB} on B`);
}

/**
 * Fan-out on two Redis-backed instances, the same load as the fan-out scenario: CPU per
 * delivery is both instances' CPU (A's over its measured window plus drain, B's over the same
 * span from outside), redis-server's CPU separately, and with `viaNginx` nginx's workers' CPU
 * separately too (from /proc, over the same span); latency is publish (on A) → receive.
 */
export async function clusterFanout(
  cfg: BenchConfig,
  rig: RedisRig,
  viaNginx = false,
): Promise<Figures> {
  const p = cfg.fanout;
  const opts = { procs: cfg.procs, viaNginx };
  return withPair(rig, p.clients, opts, async ({ a, b, pool, front }) => {
    await sleep(300);
    const plan = { rate: p.rate, critPerSec: 0, payloadBytes: p.payloadBytes, drainMs: 300 };
    await a.run({ ...plan, durationMs: p.warmupMs });
    await pool.reset();
    const [b0, redis0, nginx0] = [await b.cpuUs(), await rig.cpuUs(), front?.cpuUs() ?? 0];
    const r = await a.run({ ...plan, durationMs: p.durationMs, drainMs: cfg.drainMs });
    const [b1, redis1, nginx1] = [await b.cpuUs(), await rig.cpuUs(), front?.cpuUs() ?? 0];
    const onB = (await b.stats()).connections;
    const report = await pool.report();
    assertClean(report, 'cluster fan-out');
    const windowMs = r.wallMs + cfg.drainMs;
    const cpuUs = r.cpuUs + (b1 - b0);
    const deliveries = Math.max(1, report.deliveries);
    return {
      cpuUsPerDelivery: cpuUs / deliveries,
      serverCpuPct: (100 * cpuUs) / 1000 / windowMs,
      deliveriesPerSec: report.deliveries / (p.durationMs / 1000),
      delivered: report.deliveries / Math.max(1, r.published * p.clients),
      ...latencyFigures(report),
      publisherCpuPct: (100 * r.cpuUs) / 1000 / windowMs,
      otherCpuPct: (100 * (b1 - b0)) / 1000 / windowMs,
      redisCpuUsPerDelivery: (redis1 - redis0) / deliveries,
      redisCpuPct: (100 * (redis1 - redis0)) / 1000 / windowMs,
      clientsOnB: onB / p.clients,
      ...(front
        ? {
            nginxCpuUsPerDelivery: (nginx1 - nginx0) / deliveries,
            nginxCpuPct: (100 * (nginx1 - nginx0)) / 1000 / windowMs,
          }
        : {}),
    };
  });
}

/**
 * Reconnect storm across instances: clients receive a stream published on B; A is SIGKILLed.
 * A's clients reconnect after 100–500 ms of jitter; the attempt to A is refused, so each
 * moves to B (the next URL) and retries after 200–500 ms, resuming with `{epoch, seq}`: the
 * epoch is the shared log's, so B replays from Redis what they missed. The log under the run's
 * prefix is the truth of what was published; each client's numbers are checked against it.
 */
export async function clusterStorm(cfg: BenchConfig, rig: RedisRig): Promise<Figures> {
  const s = cfg.storm;
  const procs = Math.max(1, Math.min(2, Math.ceil(s.clients / 2_500)));
  return withPair(rig, s.clients, { procs, storm: true }, async ({ a, b, pool, prefix }) => {
    await b.stream({ rate: s.rate, critPerSec: 0, payloadBytes: s.payloadBytes });
    await sleep(s.beforeMs);
    const onA = Math.ceil(s.clients / 2);
    const bCpu0 = await b.cpuUs();
    const killedAt = Date.now();
    await a.kill();
    let status = await pool.status();
    const deadline = Date.now() + RESUME_DEADLINE_MS;
    while ((status.reconnected < onA || status.ready < s.clients) && Date.now() < deadline) {
      await sleep(100);
      status = await pool.status();
      if (process.env.BENCH_DEBUG) console.log(Date.now() - killedAt, JSON.stringify(status));
    }
    // How busy the survivor was while it took over (100 % = one core).
    const survivorCpuPct = ((await b.cpuUs()) - bCpu0) / 10 / Math.max(1, Date.now() - killedAt);
    await sleep(s.afterMs);
    await b.stop();
    await sleep(cfg.drainMs + 500);
    const published = await rig.published(prefix);
    const result = await pool.stormReport(published.numbers);
    assertClean(await pool.report(), 'cluster storm');
    const done = status.reconnected >= onA && status.ready === s.clients;
    return {
      allResumedMs: done ? status.lastReadyAt - killedAt : Number.POSITIVE_INFINITY,
      reconnected: status.reconnected / onA,
      survivorCpuPct,
      resumeFailures: status.resumeFailures,
      published: published.numbers.length,
      logGapless: published.gapless ? 1 : 0,
      lost: result.lost,
      duplicated: result.dup,
      clientsWithLoss: result.clientsWithLoss,
      clientsWithDup: result.clientsWithDup,
      lostToAll: result.lostToAll,
    };
  });
}
