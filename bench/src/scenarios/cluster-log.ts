import { randomUUID } from 'node:crypto';
import { RedisEventLog, SqliteEventLog, type EventLog, type NewEvent } from '@hdns/hub';
import { eventSpec } from '@hdns/protocol';
import type { BenchConfig } from '../config.js';
import { Histogram } from '../load/histogram.js';
import { makeData } from '../shared.js';
import { tmpFile } from '../variants.js';
import type { Figures } from './common.js';
import type { RedisRig } from './redis-rig.js';

/** Which log a run measures: the embedded default, or Redis Streams at either fsync setting. */
export type LogKind = 'sqlite' | 'always' | 'everysec';

/** Appends in flight in the throughput run (node-redis pipelines them on one connection). */
const IN_FLIGHT = 64;

/** The event the bench servers publish, as the hub hands it to its log. */
function benchEvent(n: number, payloadBytes: number): NewEvent {
  return {
    id: randomUUID(),
    event: 'config_change',
    category: eventSpec('config_change').category,
    priority: 'normal',
    ts: new Date().toISOString(),
    data: makeData(n, false, payloadBytes),
    meta: { actor: null, zone: null },
  };
}

/**
 * Event-log costs in this (the bench's) process, on a fresh log each run:
 *
 * 1. Append, one at a time (each awaited, as a lone publish waits for its seq): µs per append.
 * 2. Append, IN_FLIGHT at a time (a burst of publishes): appends/s of wall time, this process's
 *    CPU per append, and redis-server's CPU per append.
 * 3. Resume read: the query a resuming session's replay runs (ReplayReader: after its seq, up to
 *    the head, its subscribed types, a limit), `resumeEvents` events from a random position,
 *    `resumeReads` times: µs per read and per event.
 */
export async function logCosts(kind: LogKind, cfg: BenchConfig, rig: RedisRig): Promise<Figures> {
  const c = cfg.cluster;
  let log: EventLog;
  if (kind === 'sqlite') log = new SqliteEventLog({ path: tmpFile('log-cost.sqlite') });
  else {
    await rig.setFsync(kind);
    log = await RedisEventLog.open({ client: rig.conn, prefix: rig.freshPrefix() });
  }
  try {
    let n = 0;
    for (let i = 0; i < 200; i++) await log.append(benchEvent(++n, c.payloadBytes)); // warm-up

    const one = new Histogram();
    const oneStart = performance.now();
    for (let i = 0; i < c.appends; i++) {
      const t0 = performance.now();
      await log.append(benchEvent(++n, c.payloadBytes));
      one.add(performance.now() - t0);
    }
    const oneMeanMs = (performance.now() - oneStart) / c.appends;

    const cpu0 = process.cpuUsage();
    const redis0 = kind === 'sqlite' ? 0 : await rig.cpuUs();
    const t0 = performance.now();
    let left = c.appends;
    const lane = async (): Promise<void> => {
      while (left-- > 0) await log.append(benchEvent(++n, c.payloadBytes));
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const redisUs = kind === 'sqlite' ? Number.NaN : (await rig.cpuUs()) - redis0;

    const head = await log.lastSeq();
    const reads = new Histogram();
    const readStart = performance.now();
    for (let i = 0; i < c.resumeReads; i++) {
      const after = Math.floor(Math.random() * (head - c.resumeEvents));
      const t = performance.now();
      const got = await log.query({
        afterSeq: after,
        beforeSeq: head + 1,
        types: ['config_change'],
        limit: c.resumeEvents,
      });
      reads.add(performance.now() - t);
      if (got.length !== c.resumeEvents || got[0]?.seq !== after + 1)
        throw new Error(`cluster log ${kind}: resume read after ${after} returned a wrong page`);
    }
    const readMeanMs = (performance.now() - readStart) / c.resumeReads;
    return {
      appendUs: oneMeanMs * 1000,
      appendP99Us: one.quantile(0.99) * 1000,
      appendsPerSec: c.appends / (wallMs / 1000),
      appendCpuUs: (cpu.user + cpu.system) / c.appends,
      redisCpuUsPerAppend: redisUs / c.appends,
      resumeReadUs: readMeanMs * 1000,
      resumeReadP99Us: reads.quantile(0.99) * 1000,
      resumeUsPerEvent: (readMeanMs * 1000) / c.resumeEvents,
      logEvents: head,
    };
  } finally {
    await log.close();
    if (kind !== 'sqlite') await rig.setFsync('always');
  }
}
