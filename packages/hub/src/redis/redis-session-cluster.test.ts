import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@hdns/protocol';
import {
  startProxy,
  startRedisServer,
  waitFor,
  waitForValue,
  type RedisServer,
  type TcpProxy,
} from '@hdns/testkit';
import type { ConnectionInfo } from '../connection-info.js';
import type { ConnectionPool } from '../connection-registry.js';
import { closeFor, type KeptCredential } from '../revocation-marks.js';
import {
  ClusterUnavailableError,
  type ClusterMember,
  type ClusterSession,
  type NodeStats,
} from '../session-cluster.js';
import { connectRedis, type RedisConnection } from './redis-connection.js';
import { RedisSessionCluster } from './redis-session-cluster.js';
import { NODE_BEAT, SESSION_ADD } from './redis-session-scripts.js';

// Instances are RedisSessionClusters on one real redis-server; each instance's hub is a small
// fake member that records what the cluster asks of it.

let redis: RedisServer;
const opened: { cluster: RedisSessionCluster; conns: RedisConnection[]; proxy?: TcpProxy }[] = [];
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  for (const o of opened) {
    await o.proxy?.resume().catch(() => undefined);
    await o.cluster.close();
    // Behind a proxy that was cut, node-redis's graceful close can wait for ever on what it
    // queued meanwhile: the test is over, drop those connections.
    for (const c of o.conns) {
      if (o.proxy) c.destroy();
      else await c.close();
    }
    await o.proxy?.close();
  }
  await redis.close();
});

interface FakeSession extends ClusterSession {
  /** The credential it authenticated with (the hub's sessions know it; the cluster does not). */
  credentialId?: string;
  closed?: { code: number; reason: string };
}

class FakeMember implements ClusterMember {
  readonly local = new Map<string, FakeSession>();
  readonly revoked: { userId: string; code: number; keep?: KeptCredential }[] = [];
  closeSession(id: string, code: number, reason: string): void {
    const s = this.local.get(id);
    if (!s) return;
    s.closed = { code, reason };
    this.local.delete(id);
  }
  revokeUser(userId: string, code: number, reason: string, keep?: KeptCredential): void {
    this.revoked.push({ userId, code, ...(keep ? { keep } : {}) });
    const revocation = { code, reason, ...(keep ? { keep } : {}) };
    for (const [id, s] of this.local) {
      if (s.userId !== userId) continue;
      const close = closeFor(revocation, s.credentialId);
      this.closeSession(id, close.code, close.reason);
    }
  }
  readonly credentialsClosed: { credentialId: string; code: number; before?: number }[] = [];
  closeCredential(credentialId: string, code: number, reason: string, before?: number): void {
    this.credentialsClosed.push({
      credentialId,
      code,
      ...(before === undefined ? {} : { before }),
    });
    for (const [id, s] of this.local) {
      if (s.credentialId !== credentialId) continue;
      if (before === undefined || s.connectedAt < before) this.closeSession(id, code, reason);
    }
  }
  sessions(): Iterable<ClusterSession> {
    return this.local.values();
  }
  stats(): NodeStats {
    return {
      connections: this.local.size,
      users: new Set([...this.local.values()].map((s) => s.userId)).size,
      pendingAuth: 0,
      queueDepth: 3,
      bufferedBytes: 10,
      position: 0,
    };
  }
}

interface Instance {
  cluster: RedisSessionCluster;
  member: FakeMember;
  connect(
    userId: string,
    opts?: {
      instanceId?: string;
      pool?: ConnectionPool;
      connectedAt?: number;
      credentialId?: string;
    },
  ): FakeSession;
  /** A crash: connections dropped, no leave. */
  kill(): void;
  /** With `viaProxy`: cuts (and restores) this instance's Redis connections. */
  proxy?: TcpProxy;
  /** Every command sent on the script connection, in order. */
  sent: string[][];
  errors: unknown[];
}

let clock = 1_000;

async function instance(
  prefix: string,
  nodeId: string,
  limit = 1,
  opts: { viaProxy?: boolean; callTimeoutMs?: number; heartbeatMs?: number } = {},
): Promise<Instance> {
  const proxy = opts.viaProxy ? await startProxy(redis.port) : undefined;
  const url = proxy ? `redis://127.0.0.1:${proxy.port}` : redis.url;
  const connect = () => connectRedis(url, { maxReconnectDelayMs: 100 });
  const [client, control] = await Promise.all([connect(), connect()]);
  const sent: string[][] = [];
  const errors: unknown[] = [];
  const cluster = new RedisSessionCluster({
    client: {
      sendCommand: (args) => {
        sent.push(args);
        return client.sendCommand(args);
      },
    },
    control,
    prefix,
    nodeId,
    heartbeatMs: opts.heartbeatMs ?? 100,
    ttlMs: 500,
    blockMs: 200,
    ...(opts.callTimeoutMs ? { callTimeoutMs: opts.callTimeoutMs } : {}),
    onError: (err) => errors.push(err),
  });
  opened.push({ cluster, conns: [client, control], ...(proxy ? { proxy } : {}) });
  const member = new FakeMember();
  cluster.start(member);
  return {
    cluster,
    member,
    ...(proxy ? { proxy } : {}),
    sent,
    errors,
    connect(userId, opts = {}) {
      const id = randomUUID();
      const info: ConnectionInfo = {
        sessionId: id,
        userId,
        username: `u-${userId}`,
        role: 'viewer',
        ip: '127.0.0.1',
        protocol: 'v1',
        client: null,
        connectedAt: new Date().toISOString(),
        subscriptions: [],
        queueDepth: 0,
        bufferedBytes: 0,
        framesIn: 0,
        framesOut: 0,
        eventsOut: 0,
        eventsLost: 0,
      };
      const session: FakeSession = {
        id,
        userId,
        instanceId: opts.instanceId,
        pool: opts.pool ?? 'v1',
        connectedAt: opts.connectedAt ?? clock++,
        ...(opts.credentialId ? { credentialId: opts.credentialId } : {}),
        describe: () => info,
      };
      member.local.set(id, session);
      cluster.added(session, limit);
      return session;
    },
    kill() {
      // Stops the beats and the control feed without leaving, as SIGKILL would.
      control.destroy();
      client.destroy();
    },
  };
}

/** The cluster's connections as `<node>/<user>`, seen from `i` (which describes its own). */
const ids = async (i: Instance) =>
  (await i.cluster.connections([...i.member.local.values()].map((s) => s.describe())))
    .map((c) => `${c.node ?? ''}/${c.userId}`)
    .sort();

describe('RedisSessionCluster', () => {
  it('holds the per-user limit across instances: the newer connection supersedes the older', async () => {
    const prefix = randomUUID();
    const [a, b] = await Promise.all([instance(prefix, 'a'), instance(prefix, 'b')]);
    const first = a.connect('alice');
    await waitForValue(
      () => ids(b),
      (l) => l.length === 1,
      'alice listed',
    );
    b.connect('alice');
    await waitFor(() => first.closed, 5_000, 'first session closed');
    expect(first.closed?.code).toBe(CloseCode.SUPERSEDED);
    expect(await ids(a)).toEqual(['b/alice']);
  });

  it('supersedes by client instanceId across instances, and leaves legacy sockets alone', async () => {
    const prefix = randomUUID();
    const [a, b] = await Promise.all([instance(prefix, 'a', 3), instance(prefix, 'b', 3)]);
    const tab = a.connect('bob', { instanceId: 'browser-1' });
    const other = a.connect('bob', { instanceId: 'browser-2' });
    const legacy = a.connect('bob', { pool: 'legacy' });
    await waitForValue(
      () => ids(b),
      (l) => l.length === 3,
      'three listed',
    );
    b.connect('bob', { instanceId: 'browser-1' });
    await waitFor(() => tab.closed, 5_000, 'same browser superseded');
    expect(tab.closed?.code).toBe(CloseCode.SUPERSEDED);
    expect(other.closed).toBeUndefined();
    expect(legacy.closed).toBeUndefined();
    expect(await ids(b)).toEqual(['a/bob', 'a/bob', 'b/bob']);
  });

  it('revokes a user on every other instance, also one that was cut off from Redis meanwhile', async () => {
    const prefix = randomUUID();
    const [a, b] = await Promise.all([instance(prefix, 'a', 5), instance(prefix, 'b', 5)]);
    const onB = [b.connect('carol'), b.connect('carol')];
    const keep = b.connect('dave');
    await waitForValue(
      () => ids(a),
      (l) => l.length === 3,
      'three listed',
    );
    expect(await a.cluster.revokeUser('carol', CloseCode.KICKED, 'bye')).toBe(2);
    await waitFor(() => onB.every((s) => s.closed), 5_000, 'carol closed on b');
    expect(onB.map((s) => s.closed?.code)).toEqual([CloseCode.KICKED, CloseCode.KICKED]);
    expect(keep.closed).toBeUndefined();
    // The origin does not revoke itself again through the stream.
    expect(a.member.revoked).toEqual([]);
    expect(await ids(a)).toEqual(['b/dave']);
  });

  it('revokes a user but one credential on every other instance in one entry: that one gets its own close', async () => {
    const prefix = randomUUID();
    const [a, b] = await Promise.all([instance(prefix, 'a', 5), instance(prefix, 'b', 5)]);
    const kept = b.connect('kai', { credentialId: 'sess-kept' });
    const other = b.connect('kai', { credentialId: 'sess-2' });
    await waitForValue(
      () => ids(a),
      (l) => l.length === 2,
      'two listed',
    );
    const keep = {
      credentialId: 'sess-kept',
      code: CloseCode.PERMISSIONS_CHANGED,
      reason: 'password changed in this session',
    };
    await a.cluster.revokeUser('kai', CloseCode.CREDENTIALS_REVOKED, 'password changed', keep);
    await waitFor(() => kept.closed && other.closed, 5_000, 'kai closed on b');
    expect(kept.closed).toEqual({ code: keep.code, reason: keep.reason });
    expect(other.closed).toEqual({
      code: CloseCode.CREDENTIALS_REVOKED,
      reason: 'password changed',
    });
    expect(b.member.revoked).toEqual([
      { userId: 'kai', code: CloseCode.CREDENTIALS_REVOKED, keep },
    ]);
    expect(b.member.credentialsClosed).toEqual([]);
  });

  it("revokes a credential on every other instance: its sessions close, the user's others stay", async () => {
    const prefix = randomUUID();
    const [a, b] = await Promise.all([instance(prefix, 'a', 5), instance(prefix, 'b', 5)]);
    const onA = a.connect('kim', { credentialId: 'tok-1' });
    const onB = [
      b.connect('kim', { credentialId: 'tok-1' }),
      b.connect('kim', { credentialId: 'tok-1' }),
    ];
    const keep = b.connect('kim', { credentialId: 'tok-2' });
    await waitForValue(
      () => ids(a),
      (l) => l.length === 4,
      'four listed',
    );
    await a.cluster.revokeCredential('tok-1', CloseCode.CREDENTIALS_REVOKED, 'API token revoked');
    await waitFor(() => onB.every((s) => s.closed), 5_000, 'tok-1 closed on b');
    expect(onB.map((s) => s.closed)).toEqual([
      { code: CloseCode.CREDENTIALS_REVOKED, reason: 'API token revoked' },
      { code: CloseCode.CREDENTIALS_REVOKED, reason: 'API token revoked' },
    ]);
    expect(b.member.credentialsClosed).toEqual([
      { credentialId: 'tok-1', code: CloseCode.CREDENTIALS_REVOKED },
    ]);
    expect(keep.closed).toBeUndefined();
    // The origin closed its own before telling the cluster: the stream does not ask it again.
    expect(a.member.credentialsClosed).toEqual([]);
    expect(onA.closed).toBeUndefined();
  });

  it('reads revocations issued while its Redis connection was down (a stream, not pub/sub)', async () => {
    const prefix = randomUUID();
    const [a, b] = await Promise.all([instance(prefix, 'a', 5), instance(prefix, 'b', 5)]);
    const s = b.connect('erin');
    await waitForValue(
      () => ids(a),
      (l) => l.length === 1,
      'erin listed',
    );
    await redis.stop();
    await redis.restart();
    // b's control connection is reconnecting; the revocation lands in the stream meanwhile.
    await a.cluster.revokeUser('erin', CloseCode.CREDENTIALS_REVOKED, 'password changed');
    await waitFor(() => s.closed, 10_000, 'erin closed on b after the reconnect');
    expect(s.closed?.code).toBe(CloseCode.CREDENTIALS_REVOKED);
  });

  it('counts every instance, and forgets a dead one with its sessions after its deadline', async () => {
    const prefix = randomUUID();
    const [a, b] = await Promise.all([instance(prefix, 'a', 5), instance(prefix, 'b', 5)]);
    a.connect('frank');
    b.connect('frank');
    b.connect('gina');
    const all = await waitForValue(
      () => a.cluster.stats(a.member.stats()),
      (s) => s.nodes.length === 2 && s.nodes.every((n) => n.connections > 0),
      'both instances counted',
    );
    expect(all.users).toBe(2);
    expect(all.nodes.map((n) => [n.node, n.connections]).sort()).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    b.kill();
    const after = await waitForValue(
      () => a.cluster.stats(a.member.stats()),
      (s) => s.nodes.length === 1,
      'b forgotten',
      5_000,
    );
    expect(after.users).toBe(1);
    expect(await ids(a)).toEqual(['a/frank']);
  });

  it('a closed instance leaves at once; close is idempotent', async () => {
    const prefix = randomUUID();
    const [a, b] = await Promise.all([instance(prefix, 'a', 5), instance(prefix, 'b', 5)]);
    b.connect('hal');
    await waitForValue(
      () => ids(a),
      (l) => l.length === 1,
      'hal listed',
    );
    await Promise.all([b.cluster.close(), b.cluster.close()]);
    expect(await ids(a)).toEqual([]);
  });
});

/** The NODE_BEAT calls among `sent`, as the entries (id → JSON) each one carried. */
const beats = (i: Instance) =>
  i.sent
    .filter((a) => a[1] === NODE_BEAT.sha || a[1] === NODE_BEAT.source)
    .map((a) => {
      const pairs = a.slice(3 + Number(a[2]) + 5);
      const out = new Map<string, string>();
      for (let k = 0; k + 1 < pairs.length; k += 2) out.set(pairs[k] ?? '', pairs[k + 1] ?? '');
      return out;
    });
/** The session ids each SESSION_ADD call registered. */
const registrations = (i: Instance) =>
  i.sent
    .filter((a) => a[1] === SESSION_ADD.sha || a[1] === SESSION_ADD.source)
    .map((a) => a.slice(3 + Number(a[2]) + 5).filter((_, k) => k % 7 === 0));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RedisSessionCluster with Redis away', () => {
  it('(e) reads fail with ClusterUnavailableError in bounded time, beats do not pile up, close is bounded', async () => {
    const prefix = randomUUID();
    const a = await instance(prefix, 'a', 5, { viaProxy: true, callTimeoutMs: 300 });
    a.connect('ivan');
    await waitForValue(
      () => ids(a),
      (l) => l.length === 1,
      'ivan listed',
    );
    await a.proxy?.pause();
    const beatsBefore = beats(a).length;
    // The first read fails as the dropped socket is noticed, or times out queued in node-redis.
    for (let k = 0; k < 2; k++) {
      const t = Date.now();
      await expect(a.cluster.connections([])).rejects.toBeInstanceOf(ClusterUnavailableError);
      expect(Date.now() - t).toBeLessThan(1_000);
    }
    // A read is still queued in node-redis: the next fails at once, without queuing another.
    let t = Date.now();
    await expect(a.cluster.stats(a.member.stats())).rejects.toBeInstanceOf(ClusterUnavailableError);
    expect(Date.now() - t).toBeLessThan(100);
    // Ten beat periods: the beat stuck in the offline queue holds the next ones back.
    await sleep(1_000);
    expect(beats(a).length - beatsBefore).toBeLessThanOrEqual(2);
    t = Date.now();
    await a.cluster.close();
    expect(Date.now() - t).toBeLessThan(1_500);
  });

  it('(f) a revocation made while Redis is away is retried until it gets through; later logins stay', async () => {
    const prefix = randomUUID();
    const a = await instance(prefix, 'a', 5, { viaProxy: true, callTimeoutMs: 300 });
    const b = await instance(prefix, 'b', 5);
    const old = [b.connect('judy'), b.connect('judy')];
    await waitForValue(
      () => ids(a),
      (l) => l.length === 2,
      'judy listed',
    );
    await a.proxy?.pause();
    // Once node-redis has noticed, the call waits in its offline queue: it times out here and
    // runs, late, once Redis is back (as does the retry); neither may close a later login.
    await sleep(100);
    await expect(
      a.cluster.revokeUser('judy', CloseCode.CREDENTIALS_REVOKED, 'password changed'),
    ).rejects.toMatchObject({ name: 'ClusterUnavailableError', timedOut: true });
    // A login with the new password, after the revocation was made.
    const fresh = b.connect('judy', { connectedAt: Date.now() + 60_000 });
    await sleep(500);
    expect(old.some((s) => s.closed)).toBe(false);
    await a.proxy?.resume();
    await waitFor(() => old.every((s) => s.closed), 10_000, 'judy closed on b');
    expect(old.map((s) => s.closed?.code)).toEqual([
      CloseCode.CREDENTIALS_REVOKED,
      CloseCode.CREDENTIALS_REVOKED,
    ]);
    await sleep(300);
    expect(fresh.closed).toBeUndefined();
    expect(await ids(b)).toEqual(['b/judy']);
  });

  it('(f) a credential revocation made while Redis is away is retried; later sessions stay', async () => {
    const prefix = randomUUID();
    const a = await instance(prefix, 'a', 5, { viaProxy: true, callTimeoutMs: 300 });
    const b = await instance(prefix, 'b', 5);
    const old = b.connect('lea', { credentialId: 'sess-1' });
    await waitForValue(
      () => ids(a),
      (l) => l.length === 1,
      'lea listed',
    );
    await a.proxy?.pause();
    await sleep(100);
    await expect(
      a.cluster.revokeCredential('sess-1', CloseCode.PERMISSIONS_CHANGED, 'password changed'),
    ).rejects.toMatchObject({ name: 'ClusterUnavailableError', timedOut: true });
    // The same login session reconnected (with a fresh token) after the revocation was made.
    const fresh = b.connect('lea', {
      credentialId: 'sess-1',
      connectedAt: Date.now() + 60_000,
    });
    await sleep(500);
    expect(old.closed).toBeUndefined();
    await a.proxy?.resume();
    await waitFor(() => old.closed, 10_000, 'sess-1 closed on b');
    expect(old.closed?.code).toBe(CloseCode.PERMISSIONS_CHANGED);
    // Delivered late, so it carries `before`: the newer session is spared.
    expect(b.member.credentialsClosed.every((c) => c.before !== undefined)).toBe(true);
    await sleep(300);
    expect(fresh.closed).toBeUndefined();
  });

  it('(g) a session never supersedes a newer one: the older one being added loses', async () => {
    const prefix = randomUUID();
    const [a, b] = await Promise.all([instance(prefix, 'a', 1), instance(prefix, 'b', 3)]);
    const newer = b.connect('kim', { connectedAt: clock + 1_000 });
    const newerTab = b.connect('lou', { instanceId: 'tab', connectedAt: clock + 1_000 });
    await waitForValue(
      () => ids(a),
      (l) => l.length === 2,
      'kim and lou listed',
    );
    // Older by connectedAt (a registration that reaches Redis late).
    const late = a.connect('kim', { connectedAt: clock++ });
    const lateTab = a.connect('lou', { instanceId: 'tab', connectedAt: clock++ });
    await waitFor(() => late.closed && lateTab.closed, 5_000, 'the older ones closed');
    expect(late.closed?.code).toBe(CloseCode.SUPERSEDED);
    expect(lateTab.closed?.code).toBe(CloseCode.SUPERSEDED);
    await sleep(300);
    expect(newer.closed).toBeUndefined();
    expect(newerTab.closed).toBeUndefined();
    expect(await ids(a)).toEqual(['b/kim', 'b/lou']);
  });

  it('(g) a registration that failed is not retried for a session gone meanwhile', async () => {
    const prefix = randomUUID();
    const a = await instance(prefix, 'a', 5, { viaProxy: true, callTimeoutMs: 300 });
    const b = await instance(prefix, 'b', 5);
    await a.proxy?.pause();
    const gone = a.connect('max');
    const stays = a.connect('ned');
    await sleep(50);
    a.member.local.delete(gone.id);
    a.cluster.removed(gone.id);
    await sleep(500);
    await a.proxy?.resume();
    await waitForValue(
      () => ids(b),
      (l) => l.includes('a/ned'),
      'ned registered once Redis is back',
    );
    await sleep(500);
    expect(await ids(b)).toEqual(['a/ned']);
    expect(stays.closed).toBeUndefined();
  });

  it('(g, h) an instance cut off past its ttl registers every session again, newest wins', async () => {
    const prefix = randomUUID();
    const a = await instance(prefix, 'a', 1, { viaProxy: true, callTimeoutMs: 300 });
    const b = await instance(prefix, 'b', 1);
    const older = a.connect('oli');
    const alone = a.connect('pam');
    await waitForValue(
      () => ids(b),
      (l) => l.length === 2,
      'oli and pam listed',
    );
    await a.proxy?.pause();
    await waitForValue(
      () => ids(b),
      (l) => l.length === 0,
      'a forgotten',
      5_000,
    );
    // Past its deadline a is out of the reads at once; b's next beats drop its entries.
    await sleep(300);
    const newer = b.connect('oli', { connectedAt: clock + 1_000 });
    const registered = registrations(a).length;
    await a.proxy?.resume();
    await waitFor(() => older.closed, 10_000, 'the older oli closed on a');
    expect(older.closed?.code).toBe(CloseCode.SUPERSEDED);
    await waitForValue(
      () => ids(b),
      (l) => l.includes('a/pam'),
      'pam registered again',
    );
    expect(newer.closed).toBeUndefined();
    expect(alone.closed).toBeUndefined();
    expect(await ids(b)).toEqual(['a/pam', 'b/oli']);
    // One registration of every local session (the full set), not a beat carrying them.
    expect(registrations(a).slice(registered).flat().sort()).toEqual([older.id, alone.id].sort());
  });

  it('(h) a beat carries only the entries that changed since the last one', async () => {
    const prefix = randomUUID();
    const [a, b] = await Promise.all([instance(prefix, 'a', 5), instance(prefix, 'b', 5)]);
    const s = [a.connect('quin'), a.connect('quin'), a.connect('rob')];
    await waitForValue(
      () => ids(b),
      (l) => l.length === 3,
      'three listed',
    );
    await sleep(300);
    const quiet = beats(a).length;
    await sleep(400);
    expect(beats(a).length - quiet).toBeGreaterThanOrEqual(2);
    expect(
      beats(a)
        .slice(quiet)
        .every((m) => m.size === 0),
    ).toBe(true);
    const changed = s[1];
    if (!changed) throw new Error('no session');
    const info = changed.describe();
    Object.assign(info, { queueDepth: 42 });
    const carried = await waitForValue(
      () =>
        Promise.resolve(
          beats(a)
            .slice(quiet)
            .find((m) => m.size > 0),
        ),
      (m) => m !== undefined,
      'a beat with the change',
    );
    expect([...(carried?.keys() ?? [])]).toEqual([changed.id]);
    await waitForValue(
      () => b.cluster.connections([]),
      (l) => l.some((c) => c.sessionId === changed.id && c.queueDepth === 42),
      'the change seen on b',
    );
  });
});

describe('RedisSessionCluster pending revocations', () => {
  /** A command on a connection of the test's own, straight to redis-server. */
  async function direct(): Promise<(args: string[]) => Promise<unknown>> {
    const conn = await connectRedis(redis.url, { maxReconnectDelayMs: 100 });
    closeAfter.push(conn);
    return (args) => conn.sendCommand(args);
  }
  const closeAfter: RedisConnection[] = [];
  afterAll(async () => {
    for (const c of closeAfter) await c.close();
  });

  it('close makes a last attempt at a revocation still pending: it reaches the other instances', async () => {
    const prefix = randomUUID();
    const redisCmd = await direct();
    // No beat after the first one: only close can deliver the revocation.
    const a = await instance(prefix, 'a', 5, {
      viaProxy: true,
      callTimeoutMs: 300,
      heartbeatMs: 60_000,
    });
    const b = await instance(prefix, 'b', 5);
    const onB = [b.connect('sam'), b.connect('sam')];
    await waitForValue(
      () => ids(a),
      (l) => l.length === 2,
      'sam listed',
    );
    // Redis holds a's command unanswered, then a's connection drops: node-redis fails the call
    // and never sends it again (as when the network drops a command), so only the pending
    // revocation remains.
    await redisCmd(['CLIENT', 'PAUSE', '600', 'ALL']);
    await expect(
      a.cluster.revokeUser('sam', CloseCode.CREDENTIALS_REVOKED, 'password changed'),
    ).rejects.toMatchObject({ name: 'ClusterUnavailableError', timedOut: true });
    await a.proxy?.pause();
    await sleep(400);
    await a.proxy?.resume();
    await waitForValue(
      () =>
        a.cluster.connections([]).then(
          () => true,
          () => false,
        ),
      (ok) => ok,
      'a reconnected',
    );
    await sleep(300);
    expect(onB.some((s) => s.closed)).toBe(false);
    await a.cluster.close();
    await waitFor(() => onB.every((s) => s.closed), 5_000, 'sam closed on b');
    expect(onB.map((s) => s.closed?.code)).toEqual([
      CloseCode.CREDENTIALS_REVOKED,
      CloseCode.CREDENTIALS_REVOKED,
    ]);
    expect(a.errors.map(String).join('\n')).not.toMatch(/dropped/);
  });

  it('close reports the pending revocations it could not deliver, within its bound', async () => {
    const prefix = randomUUID();
    const a = await instance(prefix, 'a', 5, { viaProxy: true, callTimeoutMs: 300 });
    await a.proxy?.pause();
    await sleep(100);
    for (const user of ['tia', 'uma']) {
      await expect(a.cluster.revokeUser(user, CloseCode.KICKED, 'bye')).rejects.toBeInstanceOf(
        ClusterUnavailableError,
      );
    }
    await expect(
      a.cluster.revokeCredential('tok-9', CloseCode.CREDENTIALS_REVOKED, 'API token revoked'),
    ).rejects.toBeInstanceOf(ClusterUnavailableError);
    const t = Date.now();
    await a.cluster.close();
    expect(Date.now() - t).toBeLessThan(1_500);
    expect(a.errors.map(String).join('\n')).toMatch(/close: 3 pending revocation\(s\) dropped/);
  });

  it('a revocation whose retry fails holds back neither later revocations nor registrations', async () => {
    const prefix = randomUUID();
    const redisCmd = await direct();
    const userKey = (user: string) => `{${prefix}}:user:${user}`;
    const [a, b] = await Promise.all([instance(prefix, 'a', 5), instance(prefix, 'b', 5)]);
    const onB = b.connect('vic');
    await waitForValue(
      () => ids(a),
      (l) => l.length === 1,
      'vic listed',
    );
    // A user's set key of the wrong type makes its scripts fail (WRONGTYPE), for good for
    // 'wes', for a while for 'vic' and 'xia'.
    await redisCmd(['SET', userKey('wes'), 'not a set']);
    await expect(a.cluster.revokeUser('wes', CloseCode.KICKED, 'bye')).rejects.toThrow(/WRONGTYPE/);
    await redisCmd(['RENAME', userKey('vic'), `${userKey('vic')}:saved`]);
    await redisCmd(['SET', userKey('vic'), 'not a set']);
    await expect(a.cluster.revokeUser('vic', CloseCode.KICKED, 'bye')).rejects.toThrow(/WRONGTYPE/);
    await redisCmd(['SET', userKey('xia'), 'not a set']);
    const unsynced = a.connect('xia');
    await waitFor(
      () => a.errors.some((e) => /register.*WRONGTYPE/.test(String(e))),
      5_000,
      'the registration failed',
    );
    await sleep(300);
    expect(onB.closed).toBeUndefined();
    // 'vic' and 'xia' can go through now; 'wes' is retried first and still fails.
    await redisCmd(['RENAME', `${userKey('vic')}:saved`, userKey('vic')]);
    await redisCmd(['DEL', userKey('xia')]);
    await waitFor(() => onB.closed, 5_000, 'vic closed on b');
    expect(onB.closed?.code).toBe(CloseCode.KICKED);
    await waitForValue(
      () => ids(b),
      (l) => l.includes('a/xia'),
      'xia registered',
    );
    expect(unsynced.closed).toBeUndefined();
    const later = a.errors.length;
    await waitFor(
      () => a.errors.slice(later).some((e) => /revoke.*WRONGTYPE/.test(String(e))),
      5_000,
      'wes still retried',
    );
  });
});
