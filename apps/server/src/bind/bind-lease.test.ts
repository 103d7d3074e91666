import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisConnection } from '@hdns/hub';
import { startRedisServer, waitFor, type RedisServer } from '@hdns/testkit';
import { BindLease } from './bind-lease.js';

// Leases of several would-be holders on one real redis-server, with a short ttl.

let redis: RedisServer;
const conns: RedisConnection[] = [];
const stops: (() => Promise<void>)[] = [];
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  for (const stop of stops) await stop();
  for (const c of conns) c.destroy();
  await redis.close();
});

interface Contender {
  lease: BindLease;
  /** onAcquire / onLose calls, in order. */
  log: string[];
  stop(): Promise<void>;
  conn: RedisConnection;
}

async function contender(
  prefix: string,
  node: string,
  eligible = true,
  failTakeover = false,
): Promise<Contender> {
  const conn = await connectRedis(redis.url, { maxReconnectDelayMs: 100 });
  conns.push(conn);
  const log: string[] = [];
  const lease = new BindLease({
    client: conn,
    prefix,
    node,
    url: `http://${node}`,
    eligible,
    ttlMs: 1_000,
    onAcquire: (token) => {
      log.push(`acquire ${token}`);
      return failTakeover ? Promise.reject(new Error('named would not start')) : Promise.resolve();
    },
    onLose: (reason) => {
      log.push(`lose ${reason}`);
      return Promise.resolve();
    },
    onError: () => undefined,
  });
  const stop = await lease.start();
  stops.push(stop);
  return { lease, log, stop, conn };
}

describe('BindLease', () => {
  it('one holder at a time; a clean stop hands the lease on with a higher fencing token', async () => {
    const prefix = randomUUID();
    const a = await contender(prefix, 'a');
    const b = await contender(prefix, 'b');
    const watcher = await contender(prefix, 'w', false);
    await waitFor(() => a.log.length === 1, 5_000, 'a acquires');
    expect(a.lease.current()).toEqual({ kind: 'mine', token: 1 });
    expect(b.lease.current()).toMatchObject({ kind: 'other', holder: 'a', url: 'http://a' });
    await waitFor(() => watcher.lease.current().kind === 'other', 5_000, 'watcher sees a');
    await a.stop();
    expect(a.log).toEqual(['acquire 1', 'lose server stopping']);
    await waitFor(() => b.log.length === 1, 5_000, 'b acquires');
    expect(b.lease.current()).toEqual({ kind: 'mine', token: 2 });
    // Never eligible, never holding.
    expect(watcher.log).toEqual([]);
  });

  it('a holder cut off from Redis gives BIND up before its lease can pass to another', async () => {
    const prefix = randomUUID();
    const a = await contender(prefix, 'a');
    await waitFor(() => a.log.length === 1, 5_000, 'a acquires');
    const b = await contender(prefix, 'b');
    await redis.stop();
    // a cannot renew (its command waits in node-redis's offline queue): it gives BIND up by
    // its own timer while Redis is still away, not when Redis answers again.
    await waitFor(() => a.log.length === 2, 5_000, 'a gives up');
    expect(a.log[1]).toBe('lose lease not renewed in time');
    await redis.restart();
    // The lease key survived (AOF) until it expires; then one of them takes it again.
    await waitFor(
      () => a.lease.current().kind === 'mine' || b.lease.current().kind === 'mine',
      10_000,
      'a holder again',
    );
    const holders = [a, b].filter((c) => c.lease.current().kind === 'mine');
    expect(holders).toHaveLength(1);
  });

  it('a holder whose takeover fails gives the lease back at once; a healthy instance takes it', async () => {
    const prefix = randomUUID();
    const broken = await contender(prefix, 'broken', true, true);
    await waitFor(() => broken.log.length === 2, 5_000, 'broken tries and gives up');
    expect(broken.log).toEqual(['acquire 1', 'lose taking over failed']);
    const healthy = await contender(prefix, 'healthy');
    // Released, not left to expire: the healthy one takes it on its first round.
    expect(healthy.lease.current()).toEqual({ kind: 'mine', token: 2 });
    await waitFor(() => broken.lease.current().kind === 'other', 5_000, 'broken follows');
    expect(broken.lease.current()).toMatchObject({ kind: 'other', holder: 'healthy' });
  });
});
