import { randomUUID } from 'node:crypto';
import { CloseCode } from '@hdns/protocol';
import type { ConnectionInfo } from '../connection-info.js';
import type {
  ClusterMember,
  ClusterSession,
  NodeStats,
  SessionCluster,
} from '../session-cluster.js';
import type { BlockingConnection } from './redis-bus.js';
import type { RedisCommander } from './redis-commander.js';
import { DEFAULT_REDIS_PREFIX } from './redis-keys.js';
import { asArray, asInt, asString } from './redis-replies.js';
import {
  CLUSTER_READ,
  NODE_BEAT,
  NODE_LEAVE,
  SESSION_ADD,
  SESSION_REMOVE,
  SESSION_REVOKE,
  sessionClusterKeys,
  sessionScriptKeys,
  type SessionClusterKeys,
} from './redis-session-scripts.js';

export interface RedisSessionClusterOptions {
  /** For the scripts (may be shared with the event log's connection). */
  client: RedisCommander;
  /** A connection of its own for the blocking reads of the control stream. */
  control: BlockingConnection;
  /** The deployment's key prefix (shared with the event log). Default `hdns`. */
  prefix?: string;
  /** This instance's name; default `<random>`. Unique per process. */
  nodeId?: string;
  /** Heartbeat period. Default 2 s. */
  heartbeatMs?: number;
  /** An instance silent this long is dead: its sessions leave the cluster. Default 10 s. */
  ttlMs?: number;
  /** How long one blocking read of the control stream waits. Default 1 s. */
  blockMs?: number;
  onError?: (err: unknown) => void;
}

interface Entry {
  node: string;
  userId: string;
  info: ConnectionInfo;
}

const MAX_RETRY_MS = 2_000;

/**
 * `SessionCluster` on Redis (see redis-session-scripts.ts for the keys and the atomic steps).
 * Registrations, removals and revocations are scripts; what another instance must do travels
 * on the `control` stream, which each instance follows from the last entry it read (not
 * pub/sub: a reconnect must not lose a `revoke`). Liveness is a heartbeat with a deadline in
 * Redis time, so a SIGKILLed instance's sessions leave the cluster `ttlMs` after its last beat.
 * A registration that failed (Redis away) is retried on every beat until it succeeds.
 */
export class RedisSessionCluster implements SessionCluster {
  readonly nodeId: string;
  private readonly keys: SessionClusterKeys;
  private readonly scriptKeys: string[];
  private readonly heartbeatMs: number;
  private readonly ttlMs: number;
  private readonly blockMs: number;
  private member: ClusterMember | undefined;
  /** Registered here but not yet in Redis (the script failed): session → its limit. */
  private readonly unsynced = new Map<ClusterSession, number>();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();
  private loop: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: RedisSessionClusterOptions) {
    this.nodeId = options.nodeId ?? randomUUID().slice(0, 8);
    this.keys = sessionClusterKeys(options.prefix ?? DEFAULT_REDIS_PREFIX);
    this.scriptKeys = sessionScriptKeys(this.keys);
    this.heartbeatMs = options.heartbeatMs ?? 2_000;
    this.ttlMs = options.ttlMs ?? 10_000;
    this.blockMs = options.blockMs ?? 1_000;
  }

  start(member: ClusterMember): () => Promise<void> {
    if (this.member) throw new Error('session cluster already started');
    this.member = member;
    this.beating = this.beat();
    this.timer = setInterval(() => {
      this.beating = this.beating.then(() => this.beat());
    }, this.heartbeatMs);
    this.timer.unref();
    this.loop = this.follow();
    return () => this.close();
  }

  added(session: ClusterSession, maxPerUser: number): void {
    this.add(session, maxPerUser).catch((err: unknown) => {
      this.unsynced.set(session, maxPerUser);
      this.options.onError?.(err);
    });
  }

  removed(sessionId: string): void {
    for (const s of this.unsynced.keys()) if (s.id === sessionId) this.unsynced.delete(s);
    if (this.closing) return;
    SESSION_REMOVE.run(this.options.client, this.scriptKeys, [
      sessionId,
      this.keys.userPrefix,
      this.keys.nodePrefix,
    ]).catch((err: unknown) => this.options.onError?.(err));
  }

  async revokeUser(userId: string, code: number, reason: string): Promise<number> {
    for (const s of this.unsynced.keys()) if (s.userId === userId) this.unsynced.delete(s);
    const elsewhere = await SESSION_REVOKE.run(this.options.client, this.scriptKeys, [
      userId,
      this.nodeId,
      String(code),
      reason,
      this.keys.userPrefix,
      this.keys.nodePrefix,
    ]);
    return asInt(elsewhere, 'revoked');
  }

  async connections(local: readonly ConnectionInfo[]): Promise<ConnectionInfo[]> {
    const { sessions } = await this.read();
    const remote = sessions.filter((e) => e.node !== this.nodeId);
    return [
      ...local.map((c) => ({ ...c, node: this.nodeId })),
      ...remote.map((e) => ({ ...e.info, node: e.node })),
    ];
  }

  async stats(
    local: NodeStats,
  ): Promise<{ nodes: (NodeStats & { node: string })[]; users: number }> {
    const { sessions, stats } = await this.read();
    const nodes = [{ node: this.nodeId, ...local }];
    for (const [node, s] of stats) if (node !== this.nodeId) nodes.push({ node, ...s });
    return { nodes, users: new Set(sessions.map((e) => e.userId)).size };
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      clearInterval(this.timer);
      this.options.control.destroy();
      await this.loop;
      await this.beating;
      if (!this.member) return;
      await NODE_LEAVE.run(this.options.client, this.scriptKeys, [
        this.nodeId,
        this.keys.userPrefix,
        this.keys.nodePrefix,
      ]).catch((err: unknown) => this.options.onError?.(err));
    })());
  }

  private async add(session: ClusterSession, maxPerUser: number): Promise<void> {
    if (this.closing) return;
    await SESSION_ADD.run(this.options.client, this.scriptKeys, [
      session.id,
      this.nodeId,
      session.userId,
      session.instanceId ?? '',
      session.pool,
      String(session.connectedAt),
      String(maxPerUser),
      this.entryJson(session),
      this.keys.userPrefix,
      this.keys.nodePrefix,
      String(CloseCode.SUPERSEDED),
      'superseded by a newer connection',
    ]);
  }

  private entryJson(s: ClusterSession): string {
    return JSON.stringify({
      node: this.nodeId,
      userId: s.userId,
      ...(s.instanceId !== undefined ? { instanceId: s.instanceId } : {}),
      pool: s.pool,
      connectedAt: s.connectedAt,
      info: s.describe(),
    });
  }

  private async beat(): Promise<void> {
    const member = this.member;
    if (!member || this.closing) return;
    try {
      for (const [s, limit] of [...this.unsynced]) {
        await this.add(s, limit);
        this.unsynced.delete(s);
      }
      const args = [
        this.nodeId,
        String(this.ttlMs),
        JSON.stringify(member.stats()),
        this.keys.userPrefix,
        this.keys.nodePrefix,
      ];
      for (const s of member.sessions()) args.push(s.id, this.entryJson(s), s.userId);
      await NODE_BEAT.run(this.options.client, this.scriptKeys, args);
    } catch (err) {
      this.options.onError?.(err);
    }
  }

  /** Follows the control stream from its end at start, entry by entry, across reconnects. */
  private async follow(): Promise<void> {
    let last: string | undefined;
    let wait = 50;
    const conn = this.options.control;
    while (!this.closing) {
      try {
        if (last === undefined) {
          const tail = asArray(
            await conn.sendCommand(['XREVRANGE', this.keys.control, '+', '-', 'COUNT', '1']),
            'control tail',
          );
          last = tail.length ? asString(asArray(tail[0], 'entry')[0], 'id') : '0-0';
        }
        const reply = await conn.sendCommand([
          'XREAD',
          'COUNT',
          '100',
          'BLOCK',
          String(this.blockMs),
          'STREAMS',
          this.keys.control,
          last,
        ]);
        wait = 50;
        if (reply === null) continue;
        const [stream] = asArray(reply, 'xread');
        for (const raw of asArray(asArray(stream, 'stream')[1], 'entries')) {
          const [id, fields] = asArray(raw, 'entry');
          last = asString(id, 'id');
          this.apply(fieldMap(asArray(fields, 'fields')));
        }
      } catch (err) {
        if (this.closing) return;
        this.options.onError?.(err);
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, MAX_RETRY_MS);
      }
    }
  }

  private apply(f: Map<string, string>): void {
    const member = this.member;
    if (!member) return;
    const code = Number(f.get('code'));
    const reason = f.get('reason') ?? '';
    try {
      if (f.get('op') === 'close' && f.get('node') === this.nodeId) {
        member.closeSession(f.get('session') ?? '', code, reason);
      } else if (f.get('op') === 'revoke' && f.get('origin') !== this.nodeId) {
        member.revokeUser(f.get('user') ?? '', code, reason);
      }
    } catch (err) {
      this.options.onError?.(err);
    }
  }

  private async read(): Promise<{ sessions: Entry[]; stats: Map<string, NodeStats> }> {
    const [liveRaw, sessionsRaw, statsRaw] = asArray(
      await CLUSTER_READ.run(this.options.client, this.scriptKeys, []),
      'cluster read',
    );
    const live = new Set(asArray(liveRaw, 'nodes').map((n) => asString(n, 'node')));
    live.add(this.nodeId);
    const sessions: Entry[] = [];
    for (const json of fieldMap(asArray(sessionsRaw, 'sessions')).values()) {
      const entry = parseJson(json) as Partial<Entry> | undefined;
      if (entry?.node && entry.userId && entry.info && live.has(entry.node)) {
        sessions.push(entry as Entry);
      }
    }
    const stats = new Map<string, NodeStats>();
    for (const [node, json] of fieldMap(asArray(statsRaw, 'stats'))) {
      const s = parseJson(json) as NodeStats | undefined;
      if (s && live.has(node)) stats.set(node, s);
    }
    return { sessions, stats };
  }
}

function fieldMap(flat: unknown[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) {
    out.set(asString(flat[i], 'field'), asString(flat[i + 1], 'value'));
  }
  return out;
}

function parseJson(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}
