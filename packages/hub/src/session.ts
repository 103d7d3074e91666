import { randomUUID } from 'node:crypto';
import { CloseCode, type EventType, type StreamPosition } from '@hdns/protocol';
import type { EncodedEvent, WireFormat } from './encoded-event.js';
import type { Wire } from './wire.js';
import type { Identity } from './identity.js';
import type { HubSocket } from './hub-socket.js';
import { SOCKET_OPEN } from './hub-socket.js';
import { OutboundQueue } from './outbound-queue.js';
import { mayReceive, resolveSubscriptions, typesOfItem, type Resolution } from './authorizer.js';
import type { SessionOptions } from './session-options.js';
import type { SessionHost } from './session-host.js';

export type SessionState =
  | { kind: 'authenticating' }
  | { kind: 'replaying'; pending: EncodedEvent[] }
  | { kind: 'live' }
  | { kind: 'closed'; code: number; reason: string };

export interface ResumeOutcome {
  requested: boolean;
  ok: boolean;
  replayed: number;
  reason?: 'epoch_mismatch' | 'too_old' | 'not_requested' | 'ahead';
}

export interface StreamStart {
  position: StreamPosition;
  resume: ResumeOutcome;
  /** Runs the replay (if any) and switches the session live; call after the welcome is sent. */
  run(): Promise<void>;
}

export interface SessionCounters {
  framesIn: number;
  framesOut: number;
  bytesOut: number;
  eventsOut: number;
  eventsLost: number;
}

/**
 * One connection's state: identity, subscriptions, outbound queue, timers and counters. Wire
 * handlers (v1, legacy) translate frames into calls on it; the hub delivers events to it.
 * `close()` is idempotent and clears every timer.
 */
export class Session {
  readonly id = randomUUID();
  readonly connectedAt = Date.now();
  state: SessionState = { kind: 'authenticating' };
  identity: Identity | undefined;
  instanceId: string | undefined;
  clientName: string | undefined;
  readonly counters: SessionCounters = {
    framesIn: 0,
    framesOut: 0,
    bytesOut: 0,
    eventsOut: 0,
    eventsLost: 0,
  };
  private types = new Set<EventType>();
  private readonly queue: OutboundQueue;
  private readonly timers = new Set<NodeJS.Timeout>();
  private tokenTimers: NodeJS.Timeout[] = [];
  private killTimer: NodeJS.Timeout | undefined;
  lastSeen = Date.now();

  constructor(
    readonly socket: HubSocket,
    readonly ip: string,
    private readonly protocol: Wire,
    readonly options: SessionOptions,
    private readonly host: SessionHost,
  ) {
    this.queue = new OutboundQueue(
      { write: (bytes, kind, done) => this.rawSend(bytes, kind, done) },
      protocol.framing,
      options.outbound,
      {
        onOverflow: () => {
          host.metrics.slowConsumerClose();
          this.close(CloseCode.SLOW_CONSUMER, 'slow consumer');
        },
        onShed: (n, reason) => {
          this.counters.eventsLost += n;
          host.metrics.eventsShed(n, reason);
        },
        onBatch: (events, _bytes, oldestPublishedAt) => {
          this.counters.eventsOut += events;
          host.metrics.batch(events, oldestPublishedAt);
        },
      },
      () => host.position(),
    );
  }

  get wire(): WireFormat {
    return this.protocol.format;
  }

  get pool(): 'v1' | 'legacy' {
    return this.protocol.format === 'v1' ? 'v1' : 'legacy';
  }

  get userId(): string {
    return this.identity?.userId ?? '';
  }

  get isClosed(): boolean {
    return this.state.kind === 'closed';
  }

  get subscriptions(): EventType[] {
    return [...this.types].sort();
  }

  get queueDepth(): number {
    return this.queue.depth;
  }

  get bufferedBytes(): number {
    return this.queue.bufferedBytes;
  }

  get needsFlush(): boolean {
    return this.state.kind === 'live' && this.queue.dirty;
  }

  /** Starts the timer that closes the socket if it never authenticates. */
  startAuthDeadline(): void {
    this.timer(() => {
      if (this.state.kind === 'authenticating') this.close(CloseCode.AUTH_TIMEOUT, 'auth timeout');
    }, this.options.authTimeoutMs);
  }

  /** Binds the identity, registers with the hub (superseding older connections), arms timers. */
  authenticate(identity: Identity, instanceId?: string): void {
    this.identity = identity;
    this.instanceId = instanceId;
    this.host.register(this);
    this.armTokenTimers();
    this.startHeartbeat();
  }

  /** In-band refresh: same user only; the role or grants may have changed. */
  refreshIdentity(identity: Identity): void {
    this.identity = identity;
    this.armTokenTimers();
    const kept = resolveSubscriptions(identity.role, [...this.types]);
    this.setTypes(kept.types);
  }

  subscribe(items: readonly string[]): Resolution {
    const r = resolveSubscriptions(this.role(), items);
    this.setTypes([...this.types, ...r.types]);
    return r;
  }

  unsubscribe(items: readonly string[]): Resolution {
    const drop = new Set(items.flatMap((i) => typesOfItem(i)));
    const rejected = items
      .filter((i) => typesOfItem(i).length === 0)
      .map((item) => ({ item, reason: 'unknown' as const }));
    this.setTypes([...this.types].filter((t) => !drop.has(t)));
    return { types: this.subscriptions, rejected };
  }

  /** Replaces the subscription set (hello's initial subscriptions). */
  replaceSubscriptions(items: readonly string[]): Resolution {
    const r = resolveSubscriptions(this.role(), items);
    this.setTypes(r.types);
    return r;
  }

  /**
   * Decides where the stream starts. Live events from this moment are buffered until the
   * replay (events after the client's position up to the current head) has been queued, then
   * follow it: no gap, no duplicate.
   */
  async startStream(resume: StreamPosition | undefined): Promise<StreamStart> {
    const pending: EncodedEvent[] = [];
    this.state = { kind: 'replaying', pending };
    const { epoch, seq: head, oldest } = await this.host.logPosition();
    const position = { epoch, seq: head };
    let outcome: ResumeOutcome = {
      requested: false,
      ok: false,
      replayed: 0,
      reason: 'not_requested',
    };
    if (resume) {
      if (resume.epoch !== epoch)
        outcome = { requested: true, ok: false, replayed: 0, reason: 'epoch_mismatch' };
      else if (resume.seq < oldest - 1)
        outcome = { requested: true, ok: false, replayed: 0, reason: 'too_old' };
      else if (resume.seq > head)
        outcome = { requested: true, ok: false, replayed: 0, reason: 'ahead' };
      else {
        const replayed = await this.host.countReplay(this, resume.seq, head);
        outcome = { requested: true, ok: true, replayed };
      }
    }
    const from = outcome.ok && resume ? resume.seq : head;
    return {
      position,
      resume: outcome,
      run: async () => {
        if (from < head) await this.replay(from, head);
        this.goLive(pending, head);
      },
    };
  }

  /** Called by the hub for each event of a type this session subscribes to. */
  deliver(encoded: EncodedEvent): void {
    const identity = this.identity;
    if (!identity || !mayReceive(identity, encoded.event)) return;
    if (this.state.kind === 'replaying') this.state.pending.push(encoded);
    else if (this.state.kind === 'live')
      this.queue.push(encoded, this.bytes(encoded, identity.role));
  }

  flush(): void {
    if (this.state.kind === 'live') this.queue.flush();
  }

  /** Sends a control frame (welcome, replies, errors) outside the event queue. */
  send(kind: string, bytes: Buffer | string): void {
    this.rawSend(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, kind, () => undefined);
  }

  touch(): void {
    this.lastSeen = Date.now();
    this.counters.framesIn++;
  }

  close(code: number, reason: string): void {
    if (this.state.kind === 'closed') return;
    this.state = { kind: 'closed', code, reason };
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const t of this.tokenTimers) clearTimeout(t);
    this.tokenTimers = [];
    this.queue.clear();
    this.host.closed(this);
    const onWire = this.protocol.closeCodeFor?.(code, reason) ?? { code, reason };
    try {
      this.socket.close(onWire.code, onWire.reason);
    } catch {
      this.socket.terminate();
    }
    // A peer that does not answer the close handshake (e.g. it stopped reading) is cut off.
    this.killTimer = setTimeout(() => this.socket.terminate(), 2_000);
    this.killTimer.unref();
  }

  /** The socket is gone (closed by either side); clears the last timer. */
  socketClosed(code: number): void {
    clearTimeout(this.killTimer);
    if (this.state.kind === 'closed') return;
    this.close(code, 'peer closed');
    clearTimeout(this.killTimer);
  }

  private bytes(encoded: EncodedEvent, role: Identity['role']): Buffer {
    return encoded.bytesFor(role, this.protocol.format, this.protocol.encode);
  }

  private role() {
    return this.identity?.role ?? 'viewer';
  }

  private setTypes(types: Iterable<EventType>): void {
    this.types = new Set(types);
    this.host.subscriptionsChanged(this, this.types);
  }

  private async replay(from: number, head: number): Promise<void> {
    let cursor = from;
    while (cursor < head && this.state.kind === 'replaying' && this.identity) {
      const page = await this.host.readReplay(this, cursor, head, this.options.replayPageSize);
      if (page.length === 0) break;
      for (const encoded of page) {
        this.queue.holdPosition(encoded.seq);
        if (mayReceive(this.identity, encoded.event)) {
          this.queue.push(encoded, this.bytes(encoded, this.identity.role));
        }
        cursor = encoded.seq;
      }
      this.queue.holdPosition(cursor);
      this.queue.flush();
      await this.drained();
    }
    this.queue.holdPosition(head);
  }

  private goLive(pending: EncodedEvent[], head: number): void {
    if (this.state.kind !== 'replaying' || !this.identity) return;
    this.state = { kind: 'live' };
    for (const encoded of pending) {
      if (encoded.seq > head) this.queue.push(encoded, this.bytes(encoded, this.identity.role));
    }
    this.queue.holdPosition(undefined);
    this.queue.flush();
  }

  /** Resolves once the peer has read most of what was sent, or the session closed. */
  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.isClosed || this.queue.bufferedBytes <= this.options.outbound.softBytes / 2)
          resolve();
        else this.timer(check, 10);
      };
      check();
    });
  }

  private startHeartbeat(): void {
    const beat = (): void => {
      if (Date.now() - this.lastSeen > 2 * this.options.heartbeatMs) {
        this.close(CloseCode.HEARTBEAT_TIMEOUT, 'heartbeat timeout');
        return;
      }
      this.host.heartbeat(this);
      this.timer(beat, this.options.heartbeatMs);
    };
    this.timer(beat, this.options.heartbeatMs);
  }

  private armTokenTimers(): void {
    for (const t of this.tokenTimers) clearTimeout(t);
    const identity = this.identity;
    if (!identity) return;
    const left = identity.expiresAt.getTime() - Date.now();
    const warnIn = left - this.options.tokenWarnMs;
    const warn = setTimeout(() => this.host.tokenExpiring(this), Math.max(0, warnIn));
    const expire = setTimeout(() => this.host.tokenExpired(this), Math.max(0, left));
    this.tokenTimers = [warn, expire];
  }

  private timer(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private rawSend(bytes: Buffer, kind: string, done: (err?: Error) => void): void {
    if (this.socket.readyState !== SOCKET_OPEN) {
      done();
      return;
    }
    this.counters.framesOut++;
    this.counters.bytesOut += bytes.length;
    this.host.metrics.frameOut(kind, bytes.length);
    // Text frames: browsers hand binary frames to JS as Blobs, and every frame here is JSON.
    this.socket.send(bytes, { binary: false }, (err) => done(err));
  }
}
