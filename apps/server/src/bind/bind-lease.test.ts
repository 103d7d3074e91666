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
  errors: string[];
}

const SECRET = 'a shared secret of at least thirty-two characters';

async function contender(
  prefix: string,
  node: string,
  eligible = true,
  failTakeover = false,
  secret = SECRET,
  fence?: number,
  ttlMs = 1_000,
): Promise<Contender> {
  const conn = await connectRedis(redis.url, { maxReconnectDelayMs: 100 });
  conns.push(conn);
  const log: string[] = [];
  const errors: string[] = [];
  const lease = new BindLease({
    client: conn,
    prefix,
    node,
    url: `http://${node}`,
    secret,
    eligible,
    ttlMs,
    onAcquire: (token) => {
      log.push(`acquire ${token}`);
      return failTakeover ? Promise.reject(new Error('named would not start')) : Promise.resolve();
    },
    ...(fence !== undefined ? { fenceToken: () => Promise.resolve(fence) } : {}),
    onNewToken: (token, previous) => {
      log.push(`new token ${token} after ${previous}`);
      return Promise.resolve();
    },
    onLose: (reason) => {
      log.push(`lose ${reason}`);
      return Promise.resolve();
    },
    onError: (err) => errors.push(String(err)),
  });
  const stop = await lease.start();
  stops.push(stop);
  return { lease, log, stop, conn, errors };
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
    // A 10 s ttl: the key can only be gone within the wait below if it was given back.
    const broken = await contender(prefix, 'broken', true, true, SECRET, undefined, 10_000);
    await waitFor(() => broken.log.length === 2, 5_000, 'broken tries and gives up');
    expect(broken.log).toEqual(['acquire 1', 'lose taking over failed']);
    // onLose runs before the release command; the key goes right after, not at its expiry.
    await waitFor(
      async () => (await broken.conn.sendCommand(['EXISTS', `{${prefix}}:bind:lease`])) === 0,
      5_000,
      'the lease key given back',
      10,
    );
    const healthy = await contender(prefix, 'healthy', true, false, SECRET, undefined, 10_000);
    // Nobody holds it: the healthy one takes it on its first round.
    expect(healthy.lease.current()).toEqual({ kind: 'mine', token: 2 });
    await waitFor(() => broken.lease.current().kind === 'other', 5_000, 'broken follows');
    expect(broken.lease.current()).toMatchObject({ kind: 'other', holder: 'healthy' });
  });

  it('a holder whose named is down for good abandons the lease; another takes it at once', async () => {
    const prefix = randomUUID();
    const a = await contender(prefix, 'a');
    await waitFor(() => a.log.length === 1, 5_000, 'a acquires');
    const b = await contender(prefix, 'b');
    a.lease.abandon('named is down: named exited 6 times in a row');
    await waitFor(() => a.log.length === 2, 5_000, 'a gives BIND up');
    expect(a.log[1]).toBe('lose named is down: named exited 6 times in a row');
    // Released, not left to expire, and a sits out one ttl: b takes it on its next round.
    await waitFor(() => b.lease.current().kind === 'mine', 2_000, 'b takes over');
    expect(b.lease.current()).toEqual({ kind: 'mine', token: 2 });
    await waitFor(() => a.lease.current().kind === 'other', 5_000, 'a follows b');
    // Abandoning a lease one does not hold changes nothing.
    a.lease.abandon('again');
    await new Promise((r) => setTimeout(r, 300));
    expect(a.log).toHaveLength(2);
    expect(b.lease.current()).toEqual({ kind: 'mine', token: 2 });
  });

  it('a lease not signed with the shared secret is no lease: nothing is forwarded to its URL', async () => {
    const prefix = randomUUID();
    const a = await contender(prefix, 'a');
    await waitFor(() => a.log.length === 1, 5_000, 'a acquires');
    // An instance configured with another secret does not trust a's URL.
    const stranger = await contender(prefix, 'stranger', false, false, 'another secret '.repeat(3));
    expect(stranger.lease.current()).toEqual({ kind: 'none' });
    expect(stranger.errors.join('\n')).toMatch(/not signed with this deployment's secret/);
    // Someone with write access to Redis points the lease at another URL, keeping a's signature.
    const key = `{${prefix}}:bind:lease`;
    const raw = await a.conn.sendCommand(['GET', key]);
    const forged = { ...(JSON.parse(String(raw)) as object), holder: 'evil', url: 'http://evil' };
    await a.conn.sendCommand(['SET', key, JSON.stringify(forged), 'PX', '5000']);
    const follower = await contender(prefix, 'follower', false);
    expect(follower.lease.current()).toEqual({ kind: 'none' });
    expect(follower.errors.join('\n')).toMatch(/not signed/);
    // The token is signed too: the same lease under another token does not verify.
    await a.stop();
    await a.conn.sendCommand(['DEL', key]);
    const b = await contender(prefix, 'b');
    await waitFor(() => b.log.length === 1, 5_000, 'b acquires');
    const signed = JSON.parse(String(await b.conn.sendCommand(['GET', key]))) as { token: number };
    const retokened = { ...signed, token: signed.token + 1000 };
    await b.conn.sendCommand(['SET', key, JSON.stringify(retokened), 'PX', '5000']);
    const third = await contender(prefix, 'third', false);
    expect(third.lease.current()).toEqual({ kind: 'none' });
    // A genuine lease replayed after the fence moved past it is stale: not followed either.
    await b.conn.sendCommand(['SET', key, JSON.stringify(signed), 'PX', '5000']);
    const behind = await contender(prefix, 'behind', false, false, SECRET, signed.token + 1);
    expect(behind.lease.current()).toEqual({ kind: 'none' });
    expect(behind.errors.join('\n')).toMatch(/older than the database's fence/);
    const level = await contender(prefix, 'level', false, false, SECRET, signed.token);
    expect(level.lease.current()).toMatchObject({ kind: 'other', holder: 'b' });
    // Garbage in the key is no lease either, and no crash.
    await a.conn.sendCommand(['SET', key, '{"holder":', 'PX', '5000']);
    const another = await contender(prefix, 'another', false);
    expect(another.lease.current()).toEqual({ kind: 'none' });
  });

  it('a stop while Redis is away gives BIND up first and does not wait for Redis', async () => {
    const prefix = randomUUID();
    const a = await contender(prefix, 'a');
    await waitFor(() => a.log.length === 1, 5_000, 'a acquires');
    await redis.stop();
    const started = performance.now();
    await a.stop();
    const tookMs = performance.now() - started;
    expect(a.log).toEqual(['acquire 1', 'lose server stopping']);
    // Bounded by the lease's own short wait for Redis, not by Redis coming back (it does not).
    expect(tookMs).toBeLessThan(1_000);
    await redis.restart();
  });

  it('Redis loses the lease under its holder: the holder takes it again and follows the new token', async () => {
    const prefix = randomUUID();
    const a = await contender(prefix, 'a');
    await waitFor(() => a.log.length === 1, 5_000, 'a acquires');
    await a.conn.sendCommand(['DEL', `{${prefix}}:bind:lease`]);
    await waitFor(() => a.log.length === 2, 5_000, 'a takes it again');
    // Not a new takeover (named keeps running): the new token is handed over, nothing lost.
    expect(a.log).toEqual(['acquire 1', 'new token 2 after 1']);
    expect(a.lease.current()).toEqual({ kind: 'mine', token: 2 });
  });

  it('after Redis lost the token counter, raising its floor puts the next token above it', async () => {
    const prefix = randomUUID();
    const a = await contender(prefix, 'a');
    await waitFor(() => a.log.length === 1, 5_000, 'a acquires');
    await a.stop();
    await a.conn.sendCommand(['DEL', `{${prefix}}:bind:token`]);
    await a.lease.raiseTokenFloor(41);
    await a.lease.raiseTokenFloor(7); // never lowers it
    const b = await contender(prefix, 'b');
    await waitFor(() => b.log.length === 1, 5_000, 'b acquires');
    expect(b.log).toEqual(['acquire 42']);
  });
});
