/**
 * The Redis event log and bus when Redis fails, against a real redis-server: a crash and restart
 * during traffic (nothing lost, nothing twice), a restart that lost the data (a new epoch:
 * resume fails with epoch_mismatch, never a silent gap), a restore of older data (the counter
 * went back: a new epoch too), and a bus cut off while the log pruned (the gap is reported).
 */
import { randomUUID } from 'node:crypto';
import { cp, rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy, startRedisServer, waitFor, type RedisServer } from '@hdns/testkit';
import {
  connectRedis,
  RedisBus,
  RedisEventLog,
  type EpochChange,
  type LoggedEvent,
  type NewEvent,
  type RedisConnection,
} from '../src/index.js';
import { sampleEvent } from '../src/event-log/event-log.contract.js';
import { judgeResume } from '../src/session-types.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function server(options?: Parameters<typeof startRedisServer>[0]): Promise<RedisServer> {
  const redis = await startRedisServer(options);
  cleanup.push(() => redis.close());
  return redis;
}

async function connection(url: string): Promise<RedisConnection> {
  // Refused connections while the server is down are expected here.
  const c = await connectRedis(url, { onError: () => undefined, maxReconnectDelayMs: 200 });
  cleanup.push(() => c.close());
  return c;
}

interface Instance {
  log: RedisEventLog;
  bus: RedisBus;
  got: LoggedEvent[];
  logChanges: EpochChange[];
  busChanges: { from: string; to: string }[];
  gaps: { from: number; to: number }[];
}

async function instance(url: string, prefix: string, busUrl = url): Promise<Instance> {
  const logChanges: EpochChange[] = [];
  const busChanges: { from: string; to: string }[] = [];
  const gaps: { from: number; to: number }[] = [];
  const log = await RedisEventLog.open({
    client: await connection(url),
    prefix,
    onEpochChange: (c) => logChanges.push(c),
  });
  const bus = await RedisBus.open({
    connection: await connection(busUrl),
    prefix,
    retryMs: 20,
    onEpochChange: (c) => busChanges.push(c),
    onGap: (g) => gaps.push(g),
  });
  cleanup.push(() => bus.close());
  cleanup.push(() => log.close());
  const got: LoggedEvent[] = [];
  bus.subscribe((e) => got.push(e));
  return { log, bus, got, logChanges, busChanges, gaps };
}

/** Appends as the outbox relay does: retried with the same id until Redis takes it. */
async function appendRetrying(log: RedisEventLog, event: NewEvent): Promise<LoggedEvent> {
  for (;;) {
    try {
      return await log.append(event);
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('RedisEventLog and RedisBus when Redis fails', () => {
  it('a crash (SIGKILL) and restart during traffic: every event logged and delivered once, in order', async () => {
    const redis = await server();
    const prefix = `crash-${randomUUID()}`;
    const a = await instance(redis.url, prefix);
    const b = await instance(redis.url, prefix);
    const epoch = a.log.epoch;
    const ids: string[] = [];
    let restarted: Promise<void> = Promise.resolve();
    for (let i = 1; i <= 300; i++) {
      if (i === 100) {
        await redis.kill();
        restarted = new Promise((r) => setTimeout(r, 300)).then(() => redis.restart());
      }
      const e = sampleEvent();
      ids.push(e.id);
      const logged = await appendRetrying(i % 2 ? a.log : b.log, e);
      expect(logged.seq).toBe(i);
    }
    await restarted;
    await waitFor(() => a.got.length >= 300 && b.got.length >= 300, 15_000);
    for (const x of [a, b]) {
      expect(x.got.map((e) => e.seq)).toEqual(range(1, 300));
      expect(x.got.map((e) => e.id)).toEqual(ids);
      expect(x.log.epoch).toBe(epoch);
      expect(x.logChanges).toEqual([]);
      expect(x.busChanges).toEqual([]);
      expect(x.gaps).toEqual([]);
    }
    expect(await a.log.lastSeq()).toBe(300);
  }, 60_000);

  it('a restart that lost the data: a new epoch (log_lost), old positions get epoch_mismatch, buses follow from seq 1', async () => {
    const redis = await server({ appendonly: false });
    const prefix = `lost-${randomUUID()}`;
    const a = await instance(redis.url, prefix);
    const b = await instance(redis.url, prefix);
    for (let i = 0; i < 10; i++) await a.log.append(sampleEvent());
    await waitFor(() => b.got.length === 10);
    const old = a.log.epoch;

    await redis.kill();
    await redis.restart();
    const first = await appendRetrying(a.log, sampleEvent());
    expect(first.seq).toBe(1);
    expect(a.log.epoch).not.toBe(old);
    expect(a.logChanges).toEqual([{ from: old, to: a.log.epoch, reason: 'log_lost' }]);
    // The other instance adopts the same new epoch on its next append.
    const second = await appendRetrying(b.log, sampleEvent());
    expect(second.seq).toBe(2);
    expect(b.log.epoch).toBe(a.log.epoch);
    expect(b.logChanges).toEqual([{ from: old, to: a.log.epoch, reason: 'renewed_elsewhere' }]);

    // Both buses report the change and deliver the new epoch's events from its first.
    await waitFor(() => a.got.length === 12 && b.got.length === 12, 10_000);
    for (const x of [a, b]) {
      expect(x.busChanges).toEqual([{ from: old, to: a.log.epoch }]);
      expect(x.got.slice(10).map((e) => [e.seq, e.id])).toEqual([
        [1, first.id],
        [2, second.id],
      ]);
      expect(x.gaps).toEqual([]);
    }
    // A client that held (old epoch, 10) is told to reload, with the reason.
    const outcome = judgeResume(
      { epoch: old, seq: 10 },
      a.log.epoch,
      await a.log.lastSeq(),
      await a.log.oldestSeq(),
    );
    expect(outcome).toMatchObject({ ok: false, reason: 'epoch_mismatch' });
  }, 60_000);

  it('data restored from an older copy (the counter went back): a new epoch, never reused seqs in the old one', async () => {
    const redis = await server();
    const prefix = `regressed-${randomUUID()}`;
    const a = await instance(redis.url, prefix);
    for (let i = 0; i < 5; i++) await a.log.append(sampleEvent());
    await redis.stop();
    const copy = `${redis.dir}.copy`;
    await cp(redis.dir, copy, { recursive: true });
    cleanup.push(() => rm(copy, { recursive: true, force: true }));
    await redis.restart();
    for (let i = 0; i < 5; i++) await appendRetrying(a.log, sampleEvent());
    await waitFor(() => a.got.length === 10, 10_000);
    const old = a.log.epoch;

    // Back to the copy taken at seq 5: seqs 6..10, already delivered, are gone from Redis.
    await redis.stop();
    await rm(redis.dir, { recursive: true, force: true });
    await cp(copy, redis.dir, { recursive: true });
    await redis.restart();
    const next = await appendRetrying(a.log, sampleEvent());
    expect(a.log.epoch).not.toBe(old);
    expect(next.seq).toBe(6);
    // Whichever noticed first (this log's append, or its bus's check) renewed the epoch.
    expect(a.logChanges).toHaveLength(1);
    expect(['log_regressed', 'renewed_elsewhere']).toContain(a.logChanges[0]?.reason);
    await waitFor(() => a.got.length === 11, 10_000);
    expect(a.busChanges).toEqual([{ from: old, to: a.log.epoch }]);
    expect(a.got[10]).toMatchObject({ seq: 6, id: next.id });
    const outcome = judgeResume(
      { epoch: old, seq: 10 },
      a.log.epoch,
      await a.log.lastSeq(),
      await a.log.oldestSeq(),
    );
    expect(outcome).toMatchObject({ ok: false, reason: 'epoch_mismatch' });
  }, 60_000);

  it('a bus cut off while the log pruned past it reports the gap, then delivers the rest in order', async () => {
    const redis = await server();
    const proxy = await startProxy(redis.port);
    cleanup.push(() => proxy.close());
    const prefix = `gap-${randomUUID()}`;
    const a = await instance(redis.url, prefix, `redis://127.0.0.1:${proxy.port}`);
    const log = await RedisEventLog.open({
      client: await connection(redis.url),
      prefix,
      retention: { maxEvents: 5, maxAgeMs: 3_600_000 },
      pruneEvery: 1,
    });
    cleanup.push(() => log.close());
    for (let i = 0; i < 3; i++) await log.append(sampleEvent());
    await waitFor(() => a.got.length === 3);

    await proxy.pause();
    for (let i = 0; i < 20; i++) await log.append(sampleEvent());
    await log.prune();
    await proxy.resume();
    await waitFor(() => a.got.length === 8, 10_000);
    expect(a.gaps).toEqual([{ from: 4, to: 18 }]);
    expect(a.got.map((e) => e.seq)).toEqual([1, 2, 3, 19, 20, 21, 22, 23]);
    expect(a.bus.position).toEqual({ epoch: log.epoch, seq: 23 });
  }, 60_000);
});
