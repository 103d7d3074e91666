import { randomUUID } from 'node:crypto';
import { CloseCode, type EventType, type StreamPosition } from '@hdns/protocol';
import type { EncodedEvent, WireFormat } from './encoded-event.js';
import type { ConnectionPool } from './connection-registry.js';
import type { Identity } from './identity.js';
import type { HubSocket } from './hub-socket.js';
import { SOCKET_OPEN } from './hub-socket.js';
import { LiveBuffer } from './live-buffer.js';
import { OutboundQueue, type LostRange, type QueueOwner } from './outbound-queue.js';
import { ReplayPageSizer } from './replay-page-sizer.js';
import type { Deadline } from './deadline-heap.js';
import { SWEEPS_PER_INTERVAL, type Clocked } from './session-clock.js';
import { mayReceive, resolveSubscriptions, typesOfItem, type Resolution } from './authorizer.js';
import type { SessionOptions } from './session-options.js';
import type { SessionHost } from './session-host.js';
import type { SessionWire } from './session-wire.js';
import {
  judgeResume,
  type SessionCounters,
  type SessionState,
  type StreamStart,
} from './session-types.js';

export type { ResumeOutcome, SessionCounters, SessionState, StreamStart } from './session-types.js';

/** Shared: the stateless states cost a session no object of its own. */
const AUTHENTICATING: SessionState = { kind: 'authenticating' };
const LIVE: SessionState = { kind: 'live' };
/**
 * Critical events written ahead of one replay at most; past it they wait for the replay like the
 * others (a flood of them must not grow a set per resuming session without bound).
 */
const MAX_SENT_AHEAD = 1_000;

/**
 * One connection's state: identity, subscriptions, outbound queue, timers and counters. Wire
 * handlers (v1, legacy) translate frames into calls on it; the hub delivers events to it.
 * `close()` is idempotent and clears every timer and deadline.
 *
 * Thousands stay idle for hours, so an idle session holds no timer, closure or empty Set of
 * its own: heartbeats and token deadlines run on the hub's `SessionClock`, and the session is
 * its queue's sink and hooks (methods, not closures).
 */
export class Session implements QueueOwner, Clocked {
  readonly id = randomUUID();
  readonly connectedAt = Date.now();
  state: SessionState = AUTHENTICATING;
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
  /** Sorted, without duplicates; replaced, never mutated (the subscription index keeps it). */
  private types: readonly EventType[] = [];
  private readonly queue: OutboundQueue;
  /**
   * The log head the session went live at: everything up to it was replayed or lies before the
   * client's position. A bus that delivers asynchronously (RedisBus) may still bring such an
   * event after that moment; it is not sent twice.
   */
  private liveAfter = 0;
  /** Only while authenticating or closing: idle sessions hold none. */
  private authTimer: NodeJS.Timeout | undefined;
  /** Wakes a replay waiting for the socket to drain (`onWritten`, or `close`); no timer. */
  private drainDone: (() => void) | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  /** The token's next deadline: the warning, then the expiry. */
  private tokenDeadline: Deadline<Session> | undefined;
  private tokenWarned = false;
  /** This socket holds a place in the hub's deflate budget (released once, at close). */
  private holdsDeflater = false;
  lastSeen = Date.now();
  private lastPing = 0;

  constructor(
    readonly socket: HubSocket,
    readonly ip: string,
    private readonly protocol: SessionWire<Session>,
    readonly options: SessionOptions,
    private readonly host: SessionHost<Session>,
  ) {
    this.queue = new OutboundQueue(this, protocol.framing, options.outbound);
  }

  get wire(): WireFormat {
    return this.protocol.format;
  }

  get pool(): ConnectionPool {
    if (this.protocol.format !== 'v1') return 'legacy';
    return this.identity?.apiToken === true ? 'token' : 'v1';
  }

  get userId(): string {
    return this.identity?.userId ?? '';
  }

  get isClosed(): boolean {
    return this.state.kind === 'closed';
  }

  get subscriptions(): EventType[] {
    return [...this.types];
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
    this.authTimer = setTimeout(() => {
      this.authTimer = undefined;
      if (this.state.kind === 'authenticating') this.close(CloseCode.AUTH_TIMEOUT, 'auth timeout');
    }, this.options.authTimeoutMs);
  }

  /**
   * Binds the identity, registers with the hub (superseding older connections), arms timers.
   * False when the hub refused it (and closed the session): the caller must not go on.
   */
  authenticate(identity: Identity, instanceId?: string): boolean {
    this.identity = identity;
    this.instanceId = instanceId;
    clearTimeout(this.authTimer);
    this.authTimer = undefined;
    if (!this.host.register(this)) return false;
    this.armTokenDeadline();
    // Heartbeats start now: the hub's clock beats registered sessions.
    this.lastPing = Date.now();
    return true;
  }

  /**
   * In-band refresh: same user only; the role or grants may have changed. Returns the event types
   * the new role may not receive, which are dropped from the subscriptions (empty when the set
   * stays as it was): the caller tells the peer (v1: `subscribed` without id, then a notice).
   */
  refreshIdentity(identity: Identity): EventType[] {
    this.identity = identity;
    this.armTokenDeadline();
    const kept = new Set(resolveSubscriptions(identity.role, this.types).types);
    const removed = this.types.filter((t) => !kept.has(t));
    if (removed.length > 0) this.setTypes(kept);
    return removed;
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
    this.setTypes(this.types.filter((t) => !drop.has(t)));
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
   * follow it: no gap, no duplicate. The replay is paced by the socket (see `replay`); the
   * buffer of live events is bounded (see `LiveBuffer`): when it overruns, or holds more than the
   * live queue should take at once, the replay goes on from the log up to its new head. So the
   * replay may send more events than `replayed` counted: the live ones it read from the log.
   */
  async startStream(resume: StreamPosition | undefined): Promise<StreamStart> {
    const pending = new LiveBuffer(this.options.replayLiveBufferBytes);
    this.state = { kind: 'replaying', pending };
    const { epoch, seq: head, oldest } = await this.host.logPosition(this.subscriptions);
    const position = { epoch, seq: head };
    let outcome = judgeResume(resume, epoch, head, oldest);
    if (outcome.ok && resume) {
      outcome = { ...outcome, replayed: await this.host.countReplay(this, resume.seq, head) };
    }
    const from = outcome.ok && resume ? resume.seq : head;
    return {
      position,
      resume: outcome,
      run: () => this.replayThenGoLive(pending, from, head, epoch),
    };
  }

  /** The catalogue's rule for `identity`, then the wire's own narrowing (SessionWire.accepts). */
  private receives(identity: Identity, event: EncodedEvent['event']): boolean {
    return mayReceive(identity, event) && this.protocol.accepts?.(this, event) !== false;
  }

  /**
   * Called by the hub for each event of a type this session subscribes to. While a replay runs,
   * live events wait for it (`LiveBuffer`), except critical ones: they are written at once, as
   * on a live session (ahead of queued events, under the watermark the replay holds), and the
   * replay skips them when it reaches their seq, so an alert does not wait for a slow reader's
   * backlog and still arrives once.
   */
  deliver(encoded: EncodedEvent): void {
    const identity = this.identity;
    if (!identity || !this.receives(identity, encoded.event)) return;
    if (this.state.kind === 'replaying') {
      const bytes = this.bytes(encoded, identity.role);
      const ahead =
        encoded.event.priority === 'critical'
          ? this.writeAhead(encoded.seq, bytes.length)
          : undefined;
      if (ahead) {
        ahead.add(encoded.seq);
        this.queue.push(encoded, bytes);
      } else this.state.pending.add(encoded, bytes.length);
    } else if (this.state.kind === 'live' && encoded.seq > this.liveAfter)
      this.queue.push(encoded, this.bytes(encoded, identity.role));
  }

  flush(): void {
    if (this.state.kind === 'live') this.queue.flush();
  }

  /**
   * The replay's set of written-ahead seqs when a critical live event of `size` bytes may be
   * written ahead of it, else undefined: the replay is under way (the welcome is out), has not
   * reached `seq` yet (a bus that delivers late, such as Redis's, may bring an event the replay
   * already sent, or one at or below the client's position: those wait, and `drain` drops them),
   * fewer than `MAX_SENT_AHEAD` were, and it keeps the session under the soft bound
   * (written-ahead events count like live ones, and a replay must never bring its session near
   * the hard bound).
   */
  private writeAhead(seq: number, size: number): Set<number> | undefined {
    const ahead = this.state.kind === 'replaying' ? this.state.ahead : undefined;
    const replayedThrough = this.queue.heldPosition;
    const may =
      ahead !== undefined &&
      replayedThrough !== undefined &&
      seq > replayedThrough &&
      ahead.size < MAX_SENT_AHEAD &&
      this.queue.bufferedBytes + size <= this.options.outbound.softBytes;
    return may ? ahead : undefined;
  }

  /** Sends a control frame (welcome, replies, errors) outside the event queue. */
  send(kind: string, bytes: Buffer | string): void {
    this.rawSend(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, kind, () => undefined);
  }

  /** A frame from the peer, handed to this session's wire. */
  receive(raw: Buffer, isBinary: boolean): void {
    this.protocol.onMessage(this, raw, isBinary);
  }

  touch(): void {
    this.lastSeen = Date.now();
    this.counters.framesIn++;
  }

  close(code: number, reason: string): void {
    if (this.state.kind === 'closed') return;
    this.state = { kind: 'closed', code, reason };
    clearTimeout(this.authTimer);
    this.authTimer = undefined;
    this.drainDone?.();
    this.drainDone = undefined;
    this.host.clock.cancel(this.tokenDeadline);
    this.tokenDeadline = undefined;
    this.queue.clear();
    if (this.holdsDeflater) this.host.deflate?.release();
    this.holdsDeflater = false;
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
    this.types = [...new Set(types)].sort();
    this.host.subscriptionsChanged(this, this.types);
  }

  /**
   * Queued and in-flight bytes a replay keeps at most (plus one event) before it waits for the
   * socket to drain: half the soft bound, so replayed events plus the live ones handed over when
   * it goes live stay within the soft bound, far from the hard one.
   */
  private get replayAllowance(): number {
    return this.options.outbound.softBytes / 2;
  }

  /**
   * Replays (from, head], then goes on replaying from the log while the live events buffered
   * meanwhile overran their bound or are more than the allowance, and goes live once they are
   * few. Stops when the session closes. The log losing what the replay has yet to read (retention
   * passed it, or a new epoch) closes the session STREAM_RESET: its resume answer says so.
   */
  private async replayThenGoLive(
    pending: LiveBuffer,
    from: number,
    head: number,
    epoch: string,
  ): Promise<void> {
    if (this.state.kind !== 'replaying') return;
    // From here a critical live event may be written ahead: the welcome is out, and the
    // watermark stays at the replay's position until it goes live.
    this.queue.holdPosition(from);
    this.state.ahead = new Set();
    let cursor = from;
    let until = head;
    for (;;) {
      if (cursor < until) await this.replay(cursor, until, epoch);
      cursor = until;
      await this.drained();
      if (this.state.kind !== 'replaying') return;
      if (!pending.exceeds(this.replayAllowance)) break;
      // Before the head read, never after it: an event let go of while the read is in flight
      // could lie past the head it returns, and would be neither replayed nor handed over.
      pending.restart();
      const log = await this.logStillHolds(cursor, epoch);
      if (!log) return;
      until = Math.max(until, log.seq);
      pending.replayedThrough(until);
    }
    this.goLive(pending.drain(until), until);
  }

  /**
   * Sends the events in (from, head] the session may receive, in seq order, paced by the socket:
   * whenever more than `replayAllowance` bytes are queued or in flight it waits for the peer to
   * read (woken by the write callbacks, `onWritten`), so it never nears the hard bound however
   * large the backlog; and it reads the log in pages of about `replayPageBytes`. The watermark
   * never passes an event not yet sent (`holdPosition`). Every page is checked against the log's
   * retention after it is read: a slow reader's replay can last long enough to be overtaken by
   * it, and even the first page can be (a prune between the resume's judgement and that read).
   */
  private async replay(from: number, head: number, epoch: string): Promise<void> {
    const pages = new ReplayPageSizer(this.options.replayPageSize, this.options.replayPageBytes);
    let cursor = from;
    while (cursor < head && this.state.kind === 'replaying') {
      const page = await this.host.readReplay(this, cursor, head, pages.limit);
      if (!(await this.logStillHolds(cursor, epoch))) return;
      if (page.length === 0) break;
      let sent = 0;
      let bytes = 0;
      for (const encoded of page) {
        if (this.queue.bufferedBytes > this.replayAllowance) await this.drained();
        const identity = this.identity;
        if (this.state.kind !== 'replaying' || !identity) return;
        this.queue.holdPosition(encoded.seq);
        if (!this.state.ahead?.has(encoded.seq) && this.receives(identity, encoded.event)) {
          const frame = this.bytes(encoded, identity.role);
          this.queue.push(encoded, frame, true);
          sent++;
          bytes += frame.length;
        }
        cursor = encoded.seq;
      }
      pages.observe(sent, bytes);
      this.queue.holdPosition(cursor);
      this.queue.flush();
    }
    this.queue.holdPosition(head);
  }

  /**
   * The log's position, or undefined (and the session closed STREAM_RESET, or closed already)
   * when it changed epoch or pruned events after `cursor` that a replay has yet to send. Read
   * after the page it vouches for: pruning only ever removes a prefix.
   */
  private async logStillHolds(cursor: number, epoch: string): Promise<{ seq: number } | undefined> {
    const log = await this.host.logPosition(this.subscriptions);
    if (this.state.kind !== 'replaying') return undefined;
    if (log.epoch === epoch && cursor >= log.oldest - 1) return log;
    this.close(CloseCode.STREAM_RESET, 'replay fell behind the event log');
    return undefined;
  }

  private goLive(pending: EncodedEvent[], head: number): void {
    if (this.state.kind !== 'replaying' || !this.identity) return;
    this.state = LIVE;
    this.liveAfter = head;
    for (const encoded of pending) {
      if (encoded.seq > head) this.queue.push(encoded, this.bytes(encoded, this.identity.role));
    }
    this.queue.holdPosition(undefined);
    this.queue.flush();
  }

  /**
   * Flushes and resolves once no more than `replayAllowance` bytes are queued or in flight, or
   * the session closed. Woken by `onWritten` (each write callback) or `close`, never a timer.
   */
  private async drained(): Promise<void> {
    for (;;) {
      this.queue.flush();
      // Nothing in flight: no write callback is coming, and the flush wrote what it could.
      if (this.isClosed || this.queue.bufferedBytes <= this.replayAllowance) return;
      if (this.queue.inflight === 0) return;
      await new Promise<void>((resolve) => {
        this.drainDone = resolve;
      });
    }
  }

  /**
   * Clocked: the hub's sweep calls this every quarter heartbeat interval once authenticated. A
   * peer silent for more than two intervals is closed (so within 2¼ intervals); the others are
   * pinged about once an interval (half a sweep of slack absorbs timer jitter).
   */
  beat(now: number): void {
    if (this.isClosed) return;
    const interval = this.options.heartbeatMs;
    if (now - this.lastSeen > 2 * interval) {
      this.close(CloseCode.HEARTBEAT_TIMEOUT, 'heartbeat timeout');
    } else if (now - this.lastPing >= interval - interval / SWEEPS_PER_INTERVAL / 2) {
      this.lastPing = now;
      this.host.heartbeat(this);
    }
  }

  /** Clocked: the token deadline came; the warning first, then the expiry. */
  due(): void {
    this.tokenDeadline = undefined;
    const expiresAt = this.identity?.expiresAt.getTime();
    if (this.isClosed || expiresAt === undefined) return;
    if (!this.tokenWarned) {
      this.tokenWarned = true;
      this.tokenDeadline = this.host.clock.at(this, expiresAt);
      this.host.tokenExpiring(this);
    } else {
      this.host.tokenExpired(this);
    }
  }

  private armTokenDeadline(): void {
    const identity = this.identity;
    // A refresh whose verification finished after the close must not park this session in
    // the hub's deadline heap until the token's warning time.
    if (!identity || this.isClosed) return;
    this.tokenWarned = false;
    const warnAt = identity.expiresAt.getTime() - this.options.tokenWarnMs;
    this.tokenDeadline = this.host.clock.at(this, warnAt, this.tokenDeadline);
  }

  // ---- QueueOwner: the queue's sink and hooks ----------------------------------------------

  write(bytes: Buffer, kind: 'batch' | 'gap', done: (err?: Error) => void): void {
    this.rawSend(bytes, kind, done);
  }

  hubPosition(): number {
    return this.host.position();
  }

  onOverflow(): void {
    this.host.metrics.slowConsumerClose();
    this.close(CloseCode.SLOW_CONSUMER, 'slow consumer');
  }

  onShed(n: number, reason: LostRange['reason']): void {
    this.counters.eventsLost += n;
    this.host.metrics.eventsShed(n, reason);
  }

  onBatch(events: number, _bytes: number, oldestPublishedAt: number): void {
    this.counters.eventsOut += events;
    this.host.metrics.batch(events, oldestPublishedAt);
  }

  /** A frame left the process: a replay waiting for the socket may go on (see `drained`). */
  onWritten(): void {
    const wake = this.drainDone;
    if (wake && this.queue.inflight <= this.replayAllowance) {
      this.drainDone = undefined;
      wake();
    }
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
    this.socket.send(bytes, { binary: false, compress: this.mayCompress(bytes.length) }, (err) =>
      done(err),
    );
  }

  /**
   * Whether a frame of `size` bytes may be compressed: always below the threshold (`ws` sends it
   * plain anyway) and once this socket holds a place in the deflate budget; a first frame over
   * the threshold takes a place, or goes out plain when none is left (the next one asks again).
   */
  private mayCompress(size: number): boolean {
    const budget = this.host.deflate;
    if (!budget || this.holdsDeflater || size < budget.threshold) return true;
    if (!this.socket.extensions?.includes('permessage-deflate')) return true;
    this.holdsDeflater = budget.claim();
    return this.holdsDeflater;
  }
}
