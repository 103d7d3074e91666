import { Registry } from 'prom-client';
import { CloseCode, NOTICE_CODES, type EventDataOf, type EventType } from '@hdns/protocol';
import { MemoryBus } from './bus/memory-bus.js';
import type { Bus } from './bus/bus.js';
import { clusterMemberOf, clusterSessionOf } from './cluster-member.js';
import { describeConnection, type ConnectionInfo } from './connection-info.js';
import { DEFAULT_DEFLATE_SOCKETS, DeflateBudget } from './deflate-budget.js';
import type { EncodedEvent, WireFormat } from './encoded-event.js';
import type { EventLog, LoggedEvent } from './event-log/event-log.js';
import { EventPublisher, type PublishOptions } from './event-publisher.js';
import { FanOut } from './fan-out.js';
import { silentLogger, type AuthOutcome, type HubLogger } from './hub-hooks.js';
import { HubMetrics } from './hub-metrics.js';
import type { HubOptions } from './hub-options.js';
import type { HubSocket } from './hub-socket.js';
import type { Identity, TokenVerifier } from './identity.js';
import { DEFAULT_OUTBOUND_LIMITS } from './outbound-queue.js';
import { ReplayReader } from './replay-reader.js';
import { closeFor, type KeptCredential } from './revocation-marks.js';
import { Session } from './session.js';
import type { NodeStats } from './session-cluster.js';
import { SessionClock } from './session-clock.js';
import { SessionDirectory } from './session-directory.js';
import type { SessionHost } from './session-host.js';
import { DEFAULT_SESSION_OPTIONS, type SessionOptions } from './session-options.js';
import { SocketRouter } from './socket-router.js';
import { ThresholdWatch } from './threshold-watch.js';
import { V1Wire } from './v1-wire.js';
import type { Wire } from './wire.js';

const SHUTDOWN_NOTICE = 'The server is shutting down or restarting: reconnect and resume.';

/**
 * The real-time engine's entry point: `attach` sockets, `publish` events, `close`. A façade over
 * its parts: publishing (validate against the catalogue, append to the log) is the
 * `EventPublisher`'s, delivery to the sessions that subscribe and may see an event the
 * `FanOut`'s, replay reads the `ReplayReader`'s, the registered, pending and revoked sessions
 * the `SessionDirectory`'s. The hub admits sockets, hands them their wire, and is the host
 * every session reports to.
 */
export class Hub implements SessionHost<Session> {
  readonly metrics: HubMetrics;
  readonly log: EventLog;
  readonly sessionOptions: SessionOptions;
  readonly clock: SessionClock<Session>;
  readonly deflate: DeflateBudget | undefined;
  private readonly bus: Bus;
  private readonly ownsBus: boolean;
  private readonly sessions: SessionDirectory;
  private readonly wires = new Map<WireFormat, Wire>();
  private readonly fanOut: FanOut;
  private readonly publisher: EventPublisher;
  private readonly replay: ReplayReader;
  private readonly thresholds: ThresholdWatch;
  private readonly router = new SocketRouter(() => this.logger);
  private closing = false;
  private readonly maxPerUser: number;
  private stopCluster: (() => Promise<void>) | undefined;

  constructor(private readonly options: HubOptions) {
    this.log = options.log;
    this.bus = options.bus ?? new MemoryBus();
    this.ownsBus = options.bus === undefined;
    this.sessionOptions = {
      ...DEFAULT_SESSION_OPTIONS,
      ...options.session,
      outbound: { ...DEFAULT_OUTBOUND_LIMITS, ...options.outbound },
    };
    this.maxPerUser = options.maxConnectionsPerUser ?? 1;
    const sessions = (this.sessions = new SessionDirectory(this.maxPerUser));
    this.clock = new SessionClock(this.sessionOptions.heartbeatMs, () => sessions.registered());
    const c = options.compression;
    this.deflate = c && new DeflateBudget(c.threshold, c.maxSockets ?? DEFAULT_DEFLATE_SOCKETS);
    this.metrics = new HubMetrics(options.metricsRegistry ?? new Registry(), {
      connections: () => sessions.countByWire(),
      queueDepth: () => sessions.sum((s) => s.queueDepth),
      bufferedBytes: () => sessions.sum((s) => s.bufferedBytes),
      batchWindowMs: () => this.batchWindowMs,
      deflateSockets: () => this.deflate?.sockets ?? 0,
    });
    this.wires.set('v1', new V1Wire(this));
    const metrics = this.metrics;
    this.fanOut = new FanOut(
      this.bus,
      {
        batchDelayMs: options.batchDelayMs ?? 20,
        ...(options.batchWidening ? { adaptive: options.batchWidening } : {}),
        ...(options.flushSlice !== undefined ? { flushSlice: options.flushSlice } : {}),
        ...(options.flushSliceMs !== undefined ? { sliceMs: options.flushSliceMs } : {}),
      },
      () => metrics.encoded(),
    );
    this.publisher = new EventPublisher(this.log, this.bus, this.fanOut, this.metrics);
    this.replay = new ReplayReader(
      this.log,
      (e) => this.fanOut.encode(e),
      () => this.fanOut.position,
    );
    this.thresholds = new ThresholdWatch(
      options.thresholds ?? {},
      () => ({
        connections: sessions.size,
        queueDepth: sessions.sum((s) => s.queueDepth),
        bufferedBytes: sessions.sum((s) => s.bufferedBytes),
      }),
      (alert) => {
        this.publish('health_alert', alert, { audience: 'admin', source: 'hub' }).catch(
          (err: unknown) => this.logger.error({ err }, 'failed to publish hub health alert'),
        );
      },
    );
    this.stopCluster = options.cluster?.start(
      clusterMemberOf(
        sessions,
        (userId, code, reason, keep) => this.closeUser(userId, code, reason, keep),
        (credentialId, code, reason) => this.closeCredential(credentialId, code, reason),
        () => this.localStats(),
      ),
    );
  }

  /**
   * Calls `handler` with every event published from now on, by this instance or another one (it
   * reads the bus), once the event is in the log. Returns the unsubscribe.
   */
  onEvent(handler: (event: LoggedEvent) => void): () => void {
    return this.bus.subscribe(handler);
  }

  /** The batching window a flush scheduled now would use, in ms (see `AdaptiveWindow`). */
  get batchWindowMs(): number {
    return this.fanOut.windowMs;
  }

  get logger(): HubLogger {
    return this.options.logger ?? silentLogger;
  }

  get verifyToken(): TokenVerifier {
    return this.options.verifyToken;
  }

  get onAck(): HubOptions['onAck'] {
    return this.options.onAck;
  }

  /**
   * Read BEFORE verifying a credential and carried as `Identity.revocationMark`: a
   * `disconnectUser` of that user after it refuses the session when it registers.
   */
  revocationMark(): number {
    return this.sessions.revocationMark();
  }

  /** `verifyToken`, with the revocation mark read before it (see `revocationMark`). */
  async verifyIdentity(token: string): Promise<Identity> {
    const revocationMark = this.sessions.revocationMark();
    return { ...(await this.options.verifyToken(token)), revocationMark };
  }

  /** Adds the wire of a legacy protocol generation (registered by the legacy adapter). */
  registerWire(wire: Wire): void {
    this.wires.set(wire.format, wire);
  }

  /**
   * Takes over a freshly upgraded socket. `identity` is set when the upgrade itself was
   * authenticated (an `Authorization` header); the peer still opens with `hello`.
   */
  attach(
    socket: HubSocket,
    context: { ip: string; identity?: Identity; wire?: WireFormat },
  ): Session {
    const format = context.wire ?? 'v1';
    const wire = this.wires.get(format);
    if (!wire) throw new Error(`no wire registered for ${format}`);
    const session = new Session(socket, context.ip, wire, this.sessionOptions, this);
    // An identity verified by the caller without a mark is covered from now on at least.
    if (context.identity) {
      session.identity = { revocationMark: this.sessions.revocationMark(), ...context.identity };
    }
    this.sessions.admit(session);
    this.router.bind(socket, session);
    if (this.closing || this.sessions.size >= (this.options.maxConnections ?? 10_000)) {
      session.close(
        CloseCode.SERVER_OVERLOADED,
        this.closing ? 'server closing' : 'server overloaded',
      );
    } else {
      session.startAuthDeadline();
    }
    return session;
  }

  /** Validates, logs and fans out one event. Rejects when `data` does not match the catalogue. */
  publish<T extends EventType>(
    type: T,
    data: EventDataOf<T>,
    options: PublishOptions = {},
  ): Promise<LoggedEvent> {
    return this.publisher.publish(type, data, options);
  }

  /** This instance's connections. */
  connections(): ConnectionInfo[] {
    return [...this.sessions.registered()].map(describeConnection);
  }

  /** Every instance's connections (with their `node`), or this one's without a cluster. */
  async clusterConnections(): Promise<ConnectionInfo[]> {
    const local = this.connections();
    return this.options.cluster ? this.options.cluster.connections(local) : local;
  }

  /**
   * Closes every connection of a user (v1 and legacy) with `code`, KICKED unless told otherwise
   * (e.g. PERMISSIONS_CHANGED, CREDENTIALS_REVOKED); returns how many were closed here. Sessions
   * of the user whose identity was verified before this call but that register after it (a hello
   * still in flight, a socket upgraded with a bearer header that has not said hello yet) are
   * refused with the same code when they register. With a cluster, the other instances do the
   * same as soon as they read the revocation (use `disconnectUserEverywhere` to wait for it).
   * `keep` gives the sessions of one credential a close of their own in the same revocation
   * (e.g. a reconnect for the login session a password was changed from), so every instance
   * applies both together: no order between two messages to get wrong.
   */
  disconnectUser(
    userId: string,
    reason = 'disconnected by an administrator',
    code: number = CloseCode.KICKED,
    keep?: KeptCredential,
  ): number {
    const closed = this.closeUser(userId, code, reason, keep);
    this.options.cluster
      ?.revokeUser(userId, code, reason, keep)
      .catch((err: unknown) =>
        this.logger.error({ err, userId }, 'cluster revoke failed; retried on each heartbeat'),
      );
    return closed;
  }

  /** `disconnectUser` on every instance; resolves to how many connections were closed in all. */
  async disconnectUserEverywhere(
    userId: string,
    reason = 'disconnected by an administrator',
    code: number = CloseCode.KICKED,
  ): Promise<number> {
    return (await this.disconnectUserInCluster(userId, reason, code)).closed;
  }

  /**
   * `disconnectUserEverywhere`, saying whether the other instances are still to be reached:
   * with the cluster's store away, this instance's sockets are closed all the same and the
   * revocation is `pending` (the cluster retries it on each heartbeat until it gets through).
   */
  async disconnectUserInCluster(
    userId: string,
    reason = 'disconnected by an administrator',
    code: number = CloseCode.KICKED,
  ): Promise<{ closed: number; pending?: true }> {
    const closed = this.closeUser(userId, code, reason);
    if (!this.options.cluster) return { closed };
    try {
      return { closed: closed + (await this.options.cluster.revokeUser(userId, code, reason)) };
    } catch (err) {
      this.logger.error({ err, userId }, 'cluster revoke failed; retried on each heartbeat');
      return { closed, pending: true };
    }
  }

  /**
   * Closes the sessions (registered or still saying hello) that authenticated with
   * `credentialId` (see `Identity.credentialId`), e.g. when that API token is revoked; returns
   * how many were closed here. The user's other sessions stay. Sessions verified with it before
   * this call that register after it are refused with the same code (see `revocationMark`); a
   * later authentication with a revoked credential fails its storage check. With a cluster, the
   * other instances do the same as soon as they read the revocation (retried on each heartbeat
   * while the cluster's store is away).
   */
  disconnectCredential(
    credentialId: string,
    reason: string,
    code: number = CloseCode.CREDENTIALS_REVOKED,
  ): number {
    const closed = this.closeCredential(credentialId, code, reason);
    this.options.cluster
      ?.revokeCredential(credentialId, code, reason)
      .catch((err: unknown) =>
        this.logger.error(
          { err, credentialId },
          'cluster credential revoke failed; retried on each heartbeat',
        ),
      );
    return closed;
  }

  private closeCredential(credentialId: string, code: number, reason: string): number {
    const sessions = this.sessions.revokeCredential(credentialId, { code, reason });
    for (const s of sessions) s.close(code, reason);
    return sessions.length;
  }

  private closeUser(userId: string, code: number, reason: string, keep?: KeptCredential): number {
    const revocation = { code, reason, ...(keep !== undefined ? { keep } : {}) };
    const sessions = this.sessions.revoke(userId, revocation);
    for (const s of sessions) {
      const close = closeFor(revocation, s.identity?.credentialId);
      s.close(close.code, close.reason);
    }
    return sessions.length;
  }

  /**
   * The event stream lost continuity (the bus reported a gap, or the log a new epoch): every
   * session closes with STREAM_RESET, so each client reconnects and resumes, and learns from the
   * resume answer whether what it missed can be replayed. Returns how many were closed.
   */
  resetStream(reason: string): number {
    const sessions = [...this.sessions.everyone()];
    for (const s of sessions) {
      s.flush();
      s.close(CloseCode.STREAM_RESET, reason);
    }
    return sessions.length;
  }

  /** Re-evaluates a user's live sessions after their role or grants changed. */
  updateIdentity(userId: string, change: Partial<Pick<Identity, 'role' | 'zones'>>): void {
    for (const s of this.sessions.ofUser(userId)) {
      if (!s.identity) continue;
      const removed = s.refreshIdentity({ ...s.identity, ...change });
      if (removed.length > 0) this.wires.get(s.wire)?.subscriptionsNarrowed?.(s, removed);
    }
  }

  /** This instance's figures. */
  localStats(): NodeStats {
    return {
      connections: this.sessions.size,
      users: this.sessions.users,
      pendingAuth: this.sessions.pendingCount,
      queueDepth: this.sessions.sum((s) => s.queueDepth),
      bufferedBytes: this.sessions.sum((s) => s.bufferedBytes),
      position: this.fanOut.position,
    };
  }

  /**
   * The figures of the admin API: this instance's, or with a cluster the sums over every live
   * instance (users counted once), with each instance's own under `nodes`.
   */
  async stats(): Promise<NodeStats & { epoch: string; nodes?: (NodeStats & { node: string })[] }> {
    const local = this.localStats();
    const epoch = this.log.epoch;
    if (!this.options.cluster) return { ...local, epoch };
    const { nodes, users } = await this.options.cluster.stats(local);
    const sum = (f: (n: NodeStats) => number) => nodes.reduce((n, x) => n + f(x), 0);
    return {
      connections: sum((n) => n.connections),
      users,
      pendingAuth: sum((n) => n.pendingAuth),
      queueDepth: sum((n) => n.queueDepth),
      bufferedBytes: sum((n) => n.bufferedBytes),
      position: local.position,
      epoch,
      nodes,
    };
  }

  /**
   * Closes every socket with SERVER_RESTARTING (clients reconnect and resume), stops timers and
   * the bus if the hub created it. The event log belongs to the caller. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    // Synchronous up to the bus close: no event is dispatched while the sessions close.
    this.fanOut.close();
    this.clock.close();
    this.thresholds.close();
    this.replay.close();
    // Authenticated peers are told why before the close (the document promises the notice; a
    // legacy wire sends it as its legacy `notice`); written straight to the socket ahead of the
    // close frame, so shutdown waits on no peer.
    for (const s of this.sessions.everyone()) {
      s.flush();
      if (s.identity && s.state.kind !== 'authenticating') {
        this.wires.get(s.wire)?.notice(s, 'warning', NOTICE_CODES.SERVER_SHUTDOWN, SHUTDOWN_NOTICE);
      }
      s.close(CloseCode.SERVER_RESTARTING, 'server restarting');
    }
    await this.stopCluster?.();
    if (this.ownsBus) await this.bus.close();
  }

  // ---- SessionHost -------------------------------------------------------------------------

  position(): number {
    return this.fanOut.position;
  }

  logPosition(
    types?: readonly EventType[],
  ): Promise<{ epoch: string; seq: number; oldest: number }> {
    return this.replay.position(types);
  }

  readReplay(
    session: Session,
    afterSeq: number,
    head: number,
    limit: number,
  ): Promise<EncodedEvent[]> {
    return this.replay.read(session, afterSeq, head, limit);
  }

  countReplay(session: Session, afterSeq: number, head: number): Promise<number> {
    return this.replay.count(session, afterSeq, head);
  }

  register(session: Session): boolean {
    const revoked = this.sessions.register(session);
    if (revoked) {
      const identity = session.identity;
      this.authOutcome({
        ok: false,
        ip: session.ip,
        wire: session.wire,
        ...(identity ? { userId: identity.userId, username: identity.username } : {}),
        reason: 'AUTH_FAILED',
      });
      session.close(revoked.code, revoked.reason);
      return false;
    }
    this.clock.start();
    this.options.cluster?.added(clusterSessionOf(session), this.maxPerUser);
    if (session.wire !== 'v1')
      this.metrics.legacy(session.wire === 'legacy1' ? '1' : '2', 'connection');
    return true;
  }

  subscriptionsChanged(session: Session, types: readonly EventType[]): void {
    if (session.isClosed) return;
    this.fanOut.subscribe(session, types);
  }

  heartbeat(session: Session): void {
    this.wires.get(session.wire)?.heartbeat(session);
  }

  tokenExpiring(session: Session): void {
    this.wires.get(session.wire)?.tokenExpiring(session);
  }

  tokenExpired(session: Session): void {
    const identity = session.identity;
    if (!identity || session.isClosed) return;
    session.close(CloseCode.TOKEN_EXPIRED, 'token expired');
    this.publish(
      'session_expired',
      {
        userId: identity.userId,
        username: identity.username,
        sessionId: session.id,
        reason: 'expired',
      },
      { source: 'hub' },
    ).catch((err: unknown) => this.logger.error({ err }, 'failed to publish session_expired'));
  }

  closed(session: Session): void {
    if (this.sessions.get(session.id) === session) this.options.cluster?.removed(session.id);
    this.sessions.remove(session);
    this.fanOut.remove(session);
    if (session.state.kind === 'closed') this.metrics.closed(session.state.code);
  }

  /** Records a WebSocket authentication outcome (metrics and the app's audit hook). */
  authOutcome(outcome: AuthOutcome): void {
    if (!outcome.ok) this.metrics.authFailure(outcome.reason ?? 'unknown');
    try {
      this.options.onAuth?.(outcome);
    } catch (err) {
      this.logger.error({ err }, 'onAuth hook failed');
    }
  }
}
