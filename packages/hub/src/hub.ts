import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import {
  CloseCode,
  eventSpec,
  eventZone,
  parseEventData,
  type EventDataOf,
  type EventType,
  type Priority,
  type Role,
} from '@hdns/protocol';
import { MemoryBus } from './bus/memory-bus.js';
import type { Bus } from './bus/bus.js';
import { ConnectionRegistry } from './connection-registry.js';
import { EncodedEvent, type WireFormat } from './encoded-event.js';
import type { EventLog, EventQuery, LoggedEvent } from './event-log/event-log.js';
import { HubMetrics } from './hub-metrics.js';
import type { HubSocket } from './hub-socket.js';
import type { Identity, TokenVerifier } from './identity.js';
import { mayReceive } from './authorizer.js';
import { DEFAULT_OUTBOUND_LIMITS, type OutboundLimits } from './outbound-queue.js';
import { RevocationMarks } from './revocation-marks.js';
import { Session } from './session.js';
import { SessionClock } from './session-clock.js';
import { SocketRouter } from './socket-router.js';
import type { SessionHost } from './session-host.js';
import { DEFAULT_SESSION_OPTIONS, type SessionOptions } from './session-options.js';
import { SubscriptionIndex } from './subscription-index.js';
import { ThresholdWatch, type Thresholds } from './threshold-watch.js';
import type { Wire } from './wire.js';
import { V1Wire } from './v1-wire.js';

export interface Actor {
  id: string;
  username: string;
}

export interface PublishOptions {
  actor?: Actor | null;
  /** Overrides the catalogue's default priority for this one event. */
  priority?: Priority;
  /** Where the event came from (e.g. 'api', 'monitor:forwarders'). */
  source?: string;
  /** Narrows this one event to readers of at least this role. */
  audience?: Role;
  /**
   * The event's id, when the caller made it (the outbox relay: the id is chosen before the change
   * commits). Publishing an id the log already holds publishes nothing again and resolves to the
   * event as first logged, so a relay retry after a crash never duplicates it. Default: new.
   */
  id?: string;
  /** When the event happened (ISO); the outbox gives its commit time. Default: now. */
  ts?: string;
}

export interface AuthOutcome {
  ok: boolean;
  ip: string;
  wire: WireFormat;
  userId?: string;
  username?: string;
  /** Error code on failure (AUTH_FAILED, TOKEN_EXPIRED, AUTH_TIMEOUT …). */
  reason?: string;
}

export interface HubLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface HubOptions {
  log: EventLog;
  verifyToken: TokenVerifier;
  bus?: Bus;
  metricsRegistry?: Registry;
  session?: Partial<Omit<SessionOptions, 'outbound'>>;
  outbound?: Partial<OutboundLimits>;
  /** Time-based batching window for normal and low events. 0 sends every event on its own. */
  batchDelayMs?: number;
  /** Connections one user may hold; a newer one past the limit supersedes the oldest. */
  maxConnectionsPerUser?: number;
  /** Connections the hub accepts in all; past it new ones close SERVER_OVERLOADED. */
  maxConnections?: number;
  thresholds?: Partial<Thresholds>;
  /** Audit hook for every WebSocket authentication success and failure. */
  onAuth?: (outcome: AuthOutcome) => void;
  /** Persists an acknowledgement; resolves to the number of events it covered. */
  onAck?: (identity: Identity, ack: { upToSeq?: number; ids?: string[] }) => Promise<number>;
  logger?: HubLogger;
}

export interface ConnectionInfo {
  sessionId: string;
  userId: string;
  username: string;
  role: Role;
  ip: string;
  protocol: WireFormat;
  client: string | null;
  connectedAt: string;
  subscriptions: EventType[];
  queueDepth: number;
  bufferedBytes: number;
  framesIn: number;
  framesOut: number;
  eventsOut: number;
  eventsLost: number;
}

const silent: HubLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The real-time engine's entry point: `attach` sockets, `publish` events, `close`. Publishing
 * validates against the catalogue, appends to the log (assigning seq), and fans out through the
 * bus to the sessions that subscribe to the type and may see the event.
 */
export class Hub implements SessionHost {
  readonly metrics: HubMetrics;
  readonly log: EventLog;
  readonly sessionOptions: SessionOptions;
  readonly clock: SessionClock<Session>;
  private readonly bus: Bus;
  private readonly ownsBus: boolean;
  private readonly registry: ConnectionRegistry<Session>;
  private readonly pending = new Set<Session>();
  private readonly index = new SubscriptionIndex<Session>();
  private readonly wires = new Map<WireFormat, Wire>();
  private readonly publishTimes = new Map<string, number>();
  private readonly unsubscribeBus: () => void;
  private readonly thresholds: ThresholdWatch;
  private readonly dirty = new Set<Session>();
  private readonly router = new SocketRouter(() => this.logger);
  private readonly revocations = new RevocationMarks();
  private flushTimer: NodeJS.Timeout | undefined;
  private dispatched = 0;
  /** One callback for every EncodedEvent, not a closure per event. */
  private readonly onEncode = (): void => this.metrics.encoded();
  private closing = false;

  constructor(private readonly options: HubOptions) {
    this.log = options.log;
    this.bus = options.bus ?? new MemoryBus();
    this.ownsBus = options.bus === undefined;
    this.sessionOptions = {
      ...DEFAULT_SESSION_OPTIONS,
      ...options.session,
      outbound: { ...DEFAULT_OUTBOUND_LIMITS, ...options.outbound },
    };
    this.registry = new ConnectionRegistry(options.maxConnectionsPerUser ?? 1);
    this.clock = new SessionClock(this.sessionOptions.heartbeatMs, () => this.registry.all());
    this.metrics = new HubMetrics(options.metricsRegistry ?? new Registry(), {
      connections: () => this.countByWire(),
      queueDepth: () => this.sum((s) => s.queueDepth),
      bufferedBytes: () => this.sum((s) => s.bufferedBytes),
    });
    this.wires.set('v1', new V1Wire(this));
    this.unsubscribeBus = this.bus.subscribe((e) => this.dispatch(e));
    this.thresholds = new ThresholdWatch(
      options.thresholds ?? {},
      () => ({
        connections: this.registry.size,
        queueDepth: this.sum((s) => s.queueDepth),
        bufferedBytes: this.sum((s) => s.bufferedBytes),
      }),
      (alert) => {
        this.publish('health_alert', alert, { audience: 'admin', source: 'hub' }).catch(
          (err: unknown) => this.logger.error({ err }, 'failed to publish hub health alert'),
        );
      },
    );
  }

  get logger(): HubLogger {
    return this.options.logger ?? silent;
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
    return this.revocations.mark();
  }

  /** `verifyToken`, with the revocation mark read before it (see `revocationMark`). */
  async verifyIdentity(token: string): Promise<Identity> {
    const revocationMark = this.revocations.mark();
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
      session.identity = { revocationMark: this.revocations.mark(), ...context.identity };
    }
    this.pending.add(session);
    this.router.bind(socket, session);
    if (this.closing || this.registry.size >= (this.options.maxConnections ?? 10_000)) {
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
  async publish<T extends EventType>(
    type: T,
    data: EventDataOf<T>,
    options: PublishOptions = {},
  ): Promise<LoggedEvent> {
    const parsed = parseEventData(type, data);
    if (!parsed.ok) throw new PublishError(type, parsed.message);
    const spec = eventSpec(type);
    const id = options.id ?? randomUUID();
    this.publishTimes.set(id, performance.now());
    const { event: logged, added } = await this.log.appendIfNew({
      id,
      event: type,
      category: spec.category,
      priority: options.priority ?? spec.priority,
      ts: options.ts ?? new Date().toISOString(),
      data: parsed.data,
      meta: {
        actor: options.actor ?? null,
        zone: eventZone(type, parsed.data) ?? null,
        ...(options.source ? { source: options.source } : {}),
        ...(options.audience ? { audience: options.audience } : {}),
      },
    });
    if (!added) {
      // Already logged (and published then, or replayed to resuming clients from the log).
      this.publishTimes.delete(id);
      return logged;
    }
    this.metrics.publishedEvent(type);
    await this.bus.publish(logged);
    this.publishTimes.delete(id);
    return logged;
  }

  connections(): ConnectionInfo[] {
    return [...this.registry.all()].map((s) => ({
      sessionId: s.id,
      userId: s.userId,
      username: s.identity?.username ?? '',
      role: s.identity?.role ?? 'viewer',
      ip: s.ip,
      protocol: s.wire,
      client: s.clientName ?? null,
      connectedAt: new Date(s.connectedAt).toISOString(),
      subscriptions: s.subscriptions,
      queueDepth: s.queueDepth,
      bufferedBytes: s.bufferedBytes,
      framesIn: s.counters.framesIn,
      framesOut: s.counters.framesOut,
      eventsOut: s.counters.eventsOut,
      eventsLost: s.counters.eventsLost,
    }));
  }

  /**
   * Closes every connection of a user (v1 and legacy) with `code`, KICKED unless told otherwise
   * (e.g. PERMISSIONS_CHANGED, CREDENTIALS_REVOKED); returns how many were closed. Sessions of
   * the user whose identity was verified before this call but that register after it (a hello
   * still in flight, a socket upgraded with a bearer header that has not said hello yet) are
   * refused with the same code when they register.
   */
  disconnectUser(
    userId: string,
    reason = 'disconnected by an administrator',
    code: number = CloseCode.KICKED,
  ): number {
    this.revocations.revoke(userId, { code, reason });
    const sessions = [...this.registry.ofUser(userId)];
    for (const s of sessions) s.close(code, reason);
    return sessions.length;
  }

  /** Re-evaluates a user's live sessions after their role or grants changed. */
  updateIdentity(userId: string, change: Partial<Pick<Identity, 'role' | 'zones'>>): void {
    for (const s of this.registry.ofUser(userId)) {
      if (s.identity) s.refreshIdentity({ ...s.identity, ...change });
    }
  }

  stats(): {
    connections: number;
    users: number;
    pendingAuth: number;
    queueDepth: number;
    bufferedBytes: number;
    position: number;
    epoch: string;
  } {
    return {
      connections: this.registry.size,
      users: this.registry.users,
      pendingAuth: this.pending.size,
      queueDepth: this.sum((s) => s.queueDepth),
      bufferedBytes: this.sum((s) => s.bufferedBytes),
      position: this.dispatched,
      epoch: this.log.epoch,
    };
  }

  /**
   * Closes every socket with SERVER_RESTARTING (clients reconnect and resume), stops timers and
   * the bus if the hub created it. The event log belongs to the caller. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.flushTimer);
    this.clock.close();
    this.thresholds.close();
    for (const s of [...this.registry.all(), ...this.pending]) {
      s.flush();
      s.close(CloseCode.SERVER_RESTARTING, 'server restarting');
    }
    this.unsubscribeBus();
    if (this.ownsBus) await this.bus.close();
  }

  // ---- SessionHost -------------------------------------------------------------------------

  position(): number {
    return this.dispatched;
  }

  /**
   * The log's head and resume horizon; with `types`, the horizon for readers of those types only
   * (query events have their own, shorter retention and must not cut short a zone reader's resume).
   */
  async logPosition(
    types?: readonly EventType[],
  ): Promise<{ epoch: string; seq: number; oldest: number }> {
    const categories = types ? [...new Set(types.map((t) => eventSpec(t).category))] : undefined;
    const [seq, oldest] = await Promise.all([this.log.lastSeq(), this.log.oldestSeq(categories)]);
    return { epoch: this.log.epoch, seq, oldest };
  }

  async readReplay(
    session: Session,
    afterSeq: number,
    head: number,
    limit: number,
  ): Promise<EncodedEvent[]> {
    const events = await this.log.query({ ...this.replayFilter(session, afterSeq, head), limit });
    return events.map((e) => new EncodedEvent(e, performance.now(), this.onEncode));
  }

  async countReplay(session: Session, afterSeq: number, head: number): Promise<number> {
    const identity = session.identity;
    if (!identity) return 0;
    let count = 0;
    let cursor = afterSeq;
    for (;;) {
      const page = await this.log.query({
        ...this.replayFilter(session, cursor, head),
        limit: 2000,
      });
      for (const e of page) if (mayReceive(identity, e)) count++;
      const last = page[page.length - 1];
      if (!last || page.length < 2000) return count;
      cursor = last.seq;
    }
  }

  register(session: Session): boolean {
    const identity = session.identity;
    const revoked = identity
      ? this.revocations.since(identity.userId, identity.revocationMark ?? this.revocations.mark())
      : undefined;
    if (revoked) {
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
    this.pending.delete(session);
    this.clock.start();
    for (const old of this.registry.add(session)) {
      old.close(CloseCode.SUPERSEDED, 'superseded by a newer connection');
    }
    if (session.wire !== 'v1')
      this.metrics.legacy(session.wire === 'legacy1' ? '1' : '2', 'connection');
    return true;
  }

  subscriptionsChanged(session: Session, types: readonly EventType[]): void {
    if (session.isClosed) return;
    this.index.set(session, types);
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
    this.pending.delete(session);
    this.registry.remove(session);
    this.index.remove(session);
    this.dirty.delete(session);
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

  // ---- internals ---------------------------------------------------------------------------

  private dispatch(event: LoggedEvent): void {
    const sessions = this.index.subscribersOf(event.event);
    if (sessions.size > 0) {
      const publishedAt = this.publishTimes.get(event.id) ?? performance.now();
      const encoded = new EncodedEvent(event, publishedAt, this.onEncode);
      for (const s of sessions) {
        s.deliver(encoded);
        if (s.needsFlush) this.dirty.add(s);
      }
    }
    this.dispatched = event.seq;
    if (this.dirty.size > 0) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.closing) return;
    const delay = this.options.batchDelayMs ?? 20;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const sessions = [...this.dirty];
      this.dirty.clear();
      for (const s of sessions) {
        s.flush();
        if (s.needsFlush) this.dirty.add(s);
      }
      if (this.dirty.size > 0) this.scheduleFlush();
    }, delay);
  }

  private replayFilter(session: Session, afterSeq: number, head: number): EventQuery {
    const identity = session.identity;
    const zones =
      identity && identity.role !== 'admin' && identity.zones ? identity.zones : undefined;
    return {
      afterSeq,
      beforeSeq: head + 1,
      types: session.subscriptions,
      ...(zones ? { zones } : {}),
    };
  }

  private countByWire(): Record<WireFormat, number> {
    const out: Record<WireFormat, number> = { v1: 0, legacy1: 0, legacy2: 0 };
    for (const s of this.registry.all()) out[s.wire]++;
    return out;
  }

  private sum(f: (s: Session) => number): number {
    let n = 0;
    for (const s of this.registry.all()) n += f(s);
    return n;
  }
}

export class PublishError extends Error {
  constructor(
    readonly type: string,
    detail: string,
  ) {
    super(`invalid ${type} event: ${detail}`);
    this.name = 'PublishError';
  }
}
