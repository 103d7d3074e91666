import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@hdns/protocol';
import { startRedisServer, waitFor, waitForValue, type RedisServer } from '@hdns/testkit';
import type { ConnectionInfo } from '../connection-info.js';
import type { ClusterMember, ClusterSession, NodeStats } from '../session-cluster.js';
import { connectRedis, type RedisConnection } from './redis-connection.js';
import { RedisSessionCluster } from './redis-session-cluster.js';

// Instances are RedisSessionClusters on one real redis-server; each instance's hub is a small
// fake member that records what the cluster asks of it.

let redis: RedisServer;
const opened: { cluster: RedisSessionCluster; conns: RedisConnection[] }[] = [];
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  for (const o of opened) {
    await o.cluster.close();
    for (const c of o.conns) await c.close();
  }
  await redis.close();
});

interface FakeSession extends ClusterSession {
  closed?: { code: number; reason: string };
}

class FakeMember implements ClusterMember {
  readonly local = new Map<string, FakeSession>();
  readonly revoked: { userId: string; code: number }[] = [];
  closeSession(id: string, code: number, reason: string): void {
    const s = this.local.get(id);
    if (!s) return;
    s.closed = { code, reason };
    this.local.delete(id);
  }
  revokeUser(userId: string, code: number): void {
    this.revoked.push({ userId, code });
    for (const [id, s] of this.local) {
      if (s.userId === userId) this.closeSession(id, code, 'revoked');
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
  connect(userId: string, opts?: { instanceId?: string; pool?: 'v1' | 'legacy' }): FakeSession;
  /** A crash: connections dropped, no leave. */
  kill(): void;
}

let clock = 1_000;

async function instance(prefix: string, nodeId: string, limit = 1): Promise<Instance> {
  const [client, control] = await Promise.all([connectRedis(redis.url), connectRedis(redis.url)]);
  const cluster = new RedisSessionCluster({
    client,
    control,
    prefix,
    nodeId,
    heartbeatMs: 100,
    ttlMs: 500,
    blockMs: 200,
  });
  opened.push({ cluster, conns: [client, control] });
  const member = new FakeMember();
  cluster.start(member);
  return {
    cluster,
    member,
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
        connectedAt: clock++,
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
