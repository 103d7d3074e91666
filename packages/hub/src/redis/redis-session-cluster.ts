import { randomUUID } from 'node:crypto';
import { CloseCode } from '@hdns/protocol';
import type { ConnectionInfo } from '../connection-info.js';
import type { KeptCredential } from '../revocation-marks.js';
import {
  isClusterUnavailable,
  type ClusterMember,
  type ClusterSession,
  type NodeStats,
  type SessionCluster,
} from '../session-cluster.js';
import type { BlockingConnection } from './redis-bus.js';
import { InFlight, withTimeout } from './redis-call-timeout.js';
import type { RedisCommander } from './redis-commander.js';
import type { RedisScript } from './redis-scripts.js';
import { DEFAULT_REDIS_PREFIX } from './redis-keys.js';
import { readCluster, type ClusterView } from './redis-cluster-read.js';
import { applyControlEntry, followControl } from './redis-control-feed.js';
import { pushSessionAddArgs, sessionEntryJson } from './redis-session-entry.js';
import { asArray, asInt, asString } from './redis-replies.js';
import {
  CREDENTIAL_REVOKE,
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
  /**
   * Longest wait for any Redis call (node-redis queues commands while it reconnects, so an
   * await could last the whole outage). Default 2 s.
   */
  callTimeoutMs?: number;
  onError?: (err: unknown) => void;
}

/** A revocation that did not reach Redis: retried on each beat. */
interface PendingRevocation {
  code: number;
  reason: string;
  /** When it was made: a late retry spares sessions connected since (a new login). */
  before: number;
  /** A user revocation's credential with a close of its own (Hub.disconnectUser). */
  keep?: KeptCredential;
}

/** A pending revocation's next attempt (bounded by `ms`), and its removal once delivered. */
interface PendingAttempt {
  send(ms?: number): Promise<unknown>;
  done(): void;
}

const SUPERSEDED_REASON = 'superseded by a newer connection';
/** Sessions per SESSION_ADD call when an instance registers all of them again. */
const REGISTER_BATCH = 200;
/**
 * Longest wait, at close, for the last attempt at the revocations still pending: the server
 * gives the whole close 1.5 s (event-stream.ts), and the drop must be logged within it.
 */
const CLOSE_REVOKE_MS = 1_200;

/**
 * `SessionCluster` on Redis (see redis-session-scripts.ts for the keys and the atomic steps).
 * Registrations, removals and revocations are scripts; what another instance must do travels
 * on the `control` stream, which each instance follows from the last entry it read (not
 * pub/sub: a reconnect must not lose a `revoke`). Liveness is a heartbeat with a deadline in
 * Redis time, so a SIGKILLed instance's sessions leave the cluster `ttlMs` after its last beat.
 * Every call has a timeout (`callTimeoutMs`); what failed because Redis was away is kept and
 * retried on every beat until it succeeds: registrations (of sessions still registered here)
 * and revocations (of users and of credentials). A beat sends only the entries that changed
 * since the last one, and every session again when the instance (re)joins (its first beat, or
 * it was cut off past its ttl). `close()` makes one last, bounded attempt at the pending
 * revocations before leaving.
 */
export class RedisSessionCluster implements SessionCluster {
  readonly nodeId: string;
  private readonly keys: SessionClusterKeys;
  private readonly scriptKeys: string[];
  private readonly heartbeatMs: number;
  private readonly ttlMs: number;
  private readonly blockMs: number;
  private readonly callTimeoutMs: number;
  private member: ClusterMember | undefined;
  /** Registered here but not yet in Redis (the script failed): session → its limit. */
  private readonly unsynced = new Map<ClusterSession, number>();
  /** Each registered session's per-user limit, to register it again on a rejoin. */
  private readonly limits = new Map<string, number>();
  private defaultLimit = 1;
  /** Entry JSON last written per session: a beat sends only those that differ. */
  private readonly lastSent = new Map<string, string>();
  private readonly revocations = new Map<string, PendingRevocation>();
  /** Credential revocations that did not reach Redis, by credential id. */
  private readonly credentialRevocations = new Map<string, PendingRevocation>();
  /** The beat's raw commands not yet answered: no beat starts while any is. */
  private readonly beatCalls = new InFlight();
  /** Reads that timed out and are still queued: further reads fail at once meanwhile. */
  private readonly stalledReads = new InFlight();
  private timer: NodeJS.Timeout | undefined;
  private beatRunning = false;
  /** A beat found this instance not live: every session must be registered again. */
  private rejoined = false;
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
    this.callTimeoutMs = options.callTimeoutMs ?? 2_000;
  }

  start(member: ClusterMember): () => Promise<void> {
    if (this.member) throw new Error('session cluster already started');
    this.member = member;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.heartbeatMs);
    this.timer.unref();
    this.loop = followControl({
      conn: this.options.control,
      stream: this.keys.control,
      blockMs: this.blockMs,
      callTimeoutMs: this.callTimeoutMs,
      stopped: () => this.closing !== undefined,
      apply: (f) => applyControlEntry(member, this.nodeId, f),
      ...(this.options.onError ? { onError: this.options.onError } : {}),
    });
    return () => this.close();
  }

  added(session: ClusterSession, maxPerUser: number): void {
    this.limits.set(session.id, maxPerUser);
    this.defaultLimit = maxPerUser;
    this.register([[session, maxPerUser]]).catch((err: unknown) => {
      if (this.limits.has(session.id)) this.unsynced.set(session, maxPerUser);
      this.options.onError?.(err);
    });
  }

  removed(sessionId: string): void {
    for (const s of this.unsynced.keys()) if (s.id === sessionId) this.unsynced.delete(s);
    this.limits.delete(sessionId);
    this.lastSent.delete(sessionId);
    if (this.closing) return;
    this.call(
      SESSION_REMOVE,
      [sessionId, this.keys.userPrefix, this.keys.nodePrefix],
      'remove',
    ).catch((err: unknown) => this.options.onError?.(err));
  }

  async revokeUser(
    userId: string,
    code: number,
    reason: string,
    keep?: KeptCredential,
  ): Promise<number> {
    for (const s of this.unsynced.keys()) if (s.userId === userId) this.unsynced.delete(s);
    const before = Date.now();
    try {
      const elsewhere = await this.revoke(userId, code, reason, before, false, undefined, keep);
      this.revocations.delete(userId);
      return elsewhere;
    } catch (err) {
      // Kept until a beat gets it through; a later one of the same user replaces it.
      this.revocations.set(userId, { code, reason, before, ...(keep ? { keep } : {}) });
      throw err;
    }
  }

  async revokeCredential(credentialId: string, code: number, reason: string): Promise<void> {
    const before = Date.now();
    try {
      await this.revokeCredentialCall(credentialId, code, reason, before, false);
      this.credentialRevocations.delete(credentialId);
    } catch (err) {
      this.credentialRevocations.set(credentialId, { code, reason, before });
      throw err;
    }
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
      // Started at once, not after the beat: the server stops waiting for close after 1.5 s.
      const flushed = this.flushRevocations();
      // Each call of a beat is bounded already; this bounds the whole of it and the feed.
      await withTimeout(Promise.all([this.loop, this.beating]), this.callTimeoutMs, 'close').catch(
        () => undefined,
      );
      await flushed;
      if (!this.member) return;
      await this.call(
        NODE_LEAVE,
        [this.nodeId, this.keys.userPrefix, this.keys.nodePrefix],
        'leave',
      ).catch((err: unknown) => this.options.onError?.(err));
    })());
  }

  /**
   * The revocations still pending when this instance stops would otherwise be lost with it
   * (Redis may have come back since the last beat): one more attempt each, bounded, and what
   * still fails is reported as dropped.
   */
  private async flushRevocations(): Promise<void> {
    const pending = this.pendingRevocations();
    if (pending.length === 0) return;
    const ms = Math.min(this.callTimeoutMs, CLOSE_REVOKE_MS);
    const failures = await Promise.all(
      pending.map((p) =>
        p.send(ms).then(
          () => p.done(),
          (err: unknown) => err,
        ),
      ),
    );
    const dropped = this.revocations.size + this.credentialRevocations.size;
    if (dropped === 0) return;
    const cause = failures.find((f) => f !== undefined);
    const message = `session cluster: close: ${dropped} pending revocation(s) dropped, not delivered to the other instances`;
    this.options.onError?.(new Error(message, { cause }));
  }

  /** The user revocations, then the credential revocations, still to be delivered. */
  private pendingRevocations(): PendingAttempt[] {
    const out: PendingAttempt[] = [];
    for (const [userId, r] of this.revocations) {
      out.push({
        send: (ms) => this.revoke(userId, r.code, r.reason, r.before, true, ms, r.keep),
        done: () => {
          if (this.revocations.get(userId) === r) this.revocations.delete(userId);
        },
      });
    }
    for (const [id, r] of this.credentialRevocations) {
      out.push({
        send: (ms) => this.revokeCredentialCall(id, r.code, r.reason, r.before, true, ms),
        done: () => {
          if (this.credentialRevocations.get(id) === r) this.credentialRevocations.delete(id);
        },
      });
    }
    return out;
  }

  /** A script call bounded by `ms`; `track` keeps its raw command while pending. */
  private call(
    script: RedisScript,
    args: string[],
    what: string,
    track?: InFlight,
    ms = this.callTimeoutMs,
  ): Promise<unknown> {
    const raw = script.run(this.options.client, this.scriptKeys, args);
    return withTimeout(track ? track.track(raw) : raw, ms, what);
  }

  /**
   * SESSION_REVOKE. A `retry` is late by definition; a first attempt is late only if it ran
   * after its caller gave up on it (it waited in node-redis's queue until Redis was back).
   */
  private revoke(
    userId: string,
    code: number,
    reason: string,
    before: number,
    retry: boolean,
    ms = this.callTimeoutMs,
    keep?: KeptCredential,
  ): Promise<number> {
    const args = [userId, this.nodeId, String(code), reason, this.keys.userPrefix];
    args.push(this.keys.nodePrefix, String(before), retry ? '-1' : String(this.callTimeoutMs));
    args.push(keep?.credentialId ?? '', String(keep?.code ?? 0), keep?.reason ?? '');
    const track = retry ? this.beatCalls : undefined;
    return this.call(SESSION_REVOKE, args, 'revoke', track, ms).then((n) => asInt(n, 'revoked'));
  }

  /** CREDENTIAL_REVOKE; late as `revoke` is. */
  private revokeCredentialCall(
    credentialId: string,
    code: number,
    reason: string,
    before: number,
    retry: boolean,
    ms = this.callTimeoutMs,
  ): Promise<unknown> {
    const args = [credentialId, this.nodeId, String(code), reason, String(before)];
    args.push(retry ? '-1' : String(this.callTimeoutMs));
    const track = retry ? this.beatCalls : undefined;
    return this.call(CREDENTIAL_REVOKE, args, 'revoke credential', track, ms);
  }

  /**
   * SESSION_ADD for these sessions; one that lost to a newer session (see the script) is
   * closed here at once (its `close` control entry would do it too, a little later).
   */
  private async register(
    batch: readonly (readonly [ClusterSession, number])[],
    track?: InFlight,
  ): Promise<void> {
    if (this.closing || batch.length === 0) return;
    const args = [this.nodeId, this.keys.userPrefix, this.keys.nodePrefix];
    args.push(String(CloseCode.SUPERSEDED), SUPERSEDED_REASON);
    const sent = pushSessionAddArgs(args, this.nodeId, batch);
    const closed = asArray(await this.call(SESSION_ADD, args, 'register', track), 'closed');
    for (let i = 0; i + 1 < closed.length; i += 2) {
      const id = asString(closed[i], 'id');
      if (asString(closed[i + 1], 'node') !== this.nodeId || !sent.has(id)) continue;
      sent.delete(id);
      this.member?.closeSession(id, CloseCode.SUPERSEDED, SUPERSEDED_REASON);
    }
    for (const [id, json] of sent) if (this.limits.has(id)) this.lastSent.set(id, json);
  }

  /** One beat unless the previous one (or a command it sent) is still in flight. */
  private tick(): void {
    if (this.beatRunning || this.beatCalls.size > 0 || this.closing) return;
    this.beatRunning = true;
    this.beating = this.beat().finally(() => {
      this.beatRunning = false;
    });
  }

  private async beat(): Promise<void> {
    const member = this.member;
    if (!member) return;
    try {
      await this.retryPending(member);
      const args = [this.nodeId, String(this.ttlMs), JSON.stringify(member.stats())];
      args.push(this.keys.userPrefix, this.keys.nodePrefix);
      const live = new Set<string>();
      const changed = new Map<string, string>();
      for (const s of member.sessions()) {
        live.add(s.id);
        const json = sessionEntryJson(this.nodeId, s);
        if (this.lastSent.get(s.id) !== json) changed.set(s.id, json);
      }
      for (const id of this.lastSent.keys()) if (!live.has(id)) this.lastSent.delete(id);
      for (const [id, json] of changed) args.push(id, json);
      const raw = this.beatCalls.track(NODE_BEAT.run(this.options.client, this.scriptKeys, args));
      // Noted even when the answer comes after the timeout (the beat ran late, once Redis was
      // back): the next beat then finds this instance live, but without its sessions.
      raw.then(
        (r) => {
          if (asInt(asArray(r, 'beat')[1], 'rejoined') === 1) this.rejoined = true;
        },
        () => undefined,
      );
      await withTimeout(raw, this.callTimeoutMs, 'beat');
      if (this.rejoined) {
        await this.registerAll(member);
        this.rejoined = false;
      } else {
        for (const [id, json] of changed) if (this.limits.has(id)) this.lastSent.set(id, json);
      }
    } catch (err) {
      this.options.onError?.(err);
    }
  }

  /**
   * Retries what failed: revocations, then registrations. Redis not answering ends the beat
   * (its NODE_BEAT would only queue behind); any other failure (a refused script) is reported
   * per item and the retries go on, so one bad retry cannot hold back the others nor keep this
   * instance from staying alive.
   */
  private async retryPending(member: ClusterMember): Promise<void> {
    for (const p of this.pendingRevocations()) {
      try {
        await p.send();
        p.done();
      } catch (err) {
        this.retryFailed(err);
      }
    }
    try {
      await this.retryUnsynced(member);
    } catch (err) {
      this.retryFailed(err);
    }
  }

  /** A retry that timed out ends the beat (rethrown); any other failure is only reported. */
  private retryFailed(err: unknown): void {
    if (isClusterUnavailable(err) && err.timedOut) throw err;
    this.options.onError?.(err);
  }

  /** Retries failed registrations of the sessions that are still registered here. */
  private async retryUnsynced(member: ClusterMember): Promise<void> {
    if (this.unsynced.size === 0) return;
    const registered = new Set<string>();
    for (const s of member.sessions()) registered.add(s.id);
    const batch = [...this.unsynced].filter(([s]) => registered.has(s.id));
    for (const [s] of this.unsynced) if (!registered.has(s.id)) this.unsynced.delete(s);
    await this.register(batch, this.beatCalls);
    for (const [s] of batch) this.unsynced.delete(s);
  }

  /** The instance (re)joined: every session of it is registered again, newest wins. */
  private async registerAll(member: ClusterMember): Promise<void> {
    this.lastSent.clear();
    const all = [...member.sessions()].map(
      (s) => [s, this.limits.get(s.id) ?? this.defaultLimit] as const,
    );
    for (let i = 0; i < all.length; i += REGISTER_BATCH) {
      await this.register(all.slice(i, i + REGISTER_BATCH), this.beatCalls);
    }
    const done = new Set(all.map(([s]) => s.id));
    for (const s of this.unsynced.keys()) if (done.has(s.id)) this.unsynced.delete(s);
  }

  private read(): Promise<ClusterView> {
    return readCluster({
      client: this.options.client,
      keys: this.scriptKeys,
      nodeId: this.nodeId,
      timeoutMs: this.callTimeoutMs,
      stalled: this.stalledReads,
    });
  }
}
