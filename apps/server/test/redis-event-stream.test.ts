/**
 * The server with HDNS_REDIS_URL: its event log and bus on a real redis-server. Events of REST
 * writes reach WebSocket clients through Redis; the epoch lives in Redis, so a restarted server
 * resumes its clients; a Redis crash and restart during traffic loses nothing (the outbox relay
 * retries); a Redis that lost its data gives clients STREAM_RESET and then `resume ok: false`
 * with its reason, never a silent gap.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectRedis } from '@hdns/hub';
import { CloseCode } from '@hdns/protocol';
import {
  startProcessServer,
  startRedisServer,
  TestClient,
  waitFor,
  type ProcessServer,
  type RedisServer,
} from '@hdns/testkit';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function redisServer(options?: Parameters<typeof startRedisServer>[0]): Promise<RedisServer> {
  const redis = await startRedisServer(options);
  cleanup.push(() => redis.close());
  return redis;
}

async function server(redis: RedisServer) {
  const s = await startProcessServer({
    env: { HDNS_REDIS_URL: redis.url, HDNS_REDIS_PREFIX: 'test' },
  });
  cleanup.push(() => s.close());
  return s;
}

async function client(
  s: ProcessServer,
  token: string,
  resume?: { epoch: string; seq: number },
): Promise<TestClient> {
  const { client: c } = await TestClient.connect(s.wsUrl, {
    token,
    subscribe: ['zone_created'],
    ...(resume ? { resume } : {}),
  });
  cleanup.push(() => Promise.resolve(c.close()));
  return c;
}

function welcomeOf(c: TestClient) {
  const w = c.frames.find((f) => f.type === 'welcome');
  if (!w || w.type !== 'welcome') throw new Error('no welcome');
  return w;
}

/** Creates a zone, retrying while the server answers 503 (its storage or Redis is away). */
async function createZone(s: ProcessServer, token: string, name: string): Promise<void> {
  await waitFor(
    async () => (await s.api('/api/zones', { token, body: { name } })).status === 201,
    20_000,
    `zone ${name} created`,
  );
}

describe('the event stream on Redis (HDNS_REDIS_URL)', () => {
  it('carries REST events to clients through Redis, and a restarted server resumes them', async () => {
    const redis = await redisServer();
    const s = await server(redis);
    const { accessToken } = await s.login();
    const c = await client(s, accessToken);
    const epoch = welcomeOf(c).position.epoch;
    for (let i = 0; i < 5; i++) await createZone(s, accessToken, `r${i}.example`);
    const events = await c.waitForEvents(5);
    expect(events.map((e) => e.event)).toEqual(Array(5).fill('zone_created'));
    const last = events[4]?.seq ?? 0;

    // The events are in Redis, under the configured prefix, with the epoch the client holds.
    const meta = await fetchMeta(redis);
    expect(meta.epoch).toBe(epoch);
    expect(meta.seq).toBeGreaterThanOrEqual(last);

    // Another server process on the same Redis (as after a restart, or another instance): the
    // client resumes there with nothing missed.
    c.close();
    await s.proc.stop();
    const again = await server(redis);
    const token2 = (await again.login()).accessToken;
    const resumed = await client(again, token2, { epoch, seq: last });
    expect(welcomeOf(resumed).resume).toMatchObject({ ok: true });
    await createZone(again, token2, 'after-restart.example');
    const [next] = await resumed.waitForEvents(1);
    // The first zone event after the resume point is the new one: none was replayed twice or
    // skipped (other event types of the new instance, such as its admin's login, lie between).
    expect(next?.seq).toBeGreaterThan(last);
    expect(next?.data).toMatchObject({ zone: 'after-restart.example' });
    expect(resumed.events).toHaveLength(1);
  }, 90_000);

  it('a redis-server crash and restart during REST writes: every event reaches the client once, in order', async () => {
    const redis = await redisServer();
    const s = await server(redis);
    const { accessToken } = await s.login();
    const c = await client(s, accessToken);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      if (i === 8) {
        await redis.kill();
        setTimeout(() => void redis.restart(), 500);
      }
      writes.push(createZone(s, accessToken, `crash${i}.example`));
      await new Promise((r) => setTimeout(r, 25));
    }
    await Promise.all(writes);
    const events = await c.waitForEvents(20, 30_000);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(20);
    const zones = events.map((e) => (e.data as { zone: string }).zone).sort();
    expect(zones).toEqual(Array.from({ length: 20 }, (_, i) => `crash${i}.example`).sort());
    expect(c.closed).toBeUndefined();
    expect((await s.api('/healthz')).status).toBe(200);
  }, 90_000);

  it('a Redis that lost its data: clients get STREAM_RESET, then resume ok:false (epoch_mismatch)', async () => {
    const redis = await redisServer({ appendonly: false });
    const s = await server(redis);
    const { accessToken } = await s.login();
    const c = await client(s, accessToken);
    const epoch = welcomeOf(c).position.epoch;
    await createZone(s, accessToken, 'before.example');
    const [before] = await c.waitForEvents(1);

    await redis.kill();
    await redis.restart();
    await createZone(s, accessToken, 'after.example');
    const closed = await c.waitClosed(15_000);
    expect(closed.code).toBe(CloseCode.STREAM_RESET);

    const again = await client(s, accessToken, { epoch, seq: before?.seq ?? 0 });
    expect(welcomeOf(again).resume).toMatchObject({ ok: false, reason: 'epoch_mismatch' });
    expect(welcomeOf(again).position.epoch).not.toBe(epoch);
    expect((await s.api('/healthz')).status).toBe(200);
  }, 90_000);
});

/** The log's meta hash, as Redis holds it. */
async function fetchMeta(redis: RedisServer): Promise<{ epoch: string; seq: number }> {
  const conn = await connectRedis(redis.url);
  try {
    const reply = (await conn.sendCommand(['HMGET', '{test}:meta', 'epoch', 'seq'])) as string[];
    return { epoch: reply[0] ?? '', seq: Number(reply[1]) };
  } finally {
    await conn.close();
  }
}
