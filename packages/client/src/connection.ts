/**
 * One logical connection over a sequence of sockets: drives the state machine, owns the socket,
 * the backoff timer, the connect/heartbeat watchdog and the browser network signals, speaks the
 * handshake (hello → welcome) and answers server pings. Protocol content (events, replies,
 * resume bookkeeping) belongs to the hooks' owner, RealtimeClient.
 *
 * Invariants:
 * - At most one socket exists; every state change except connecting → open drops it (closing
 *   and detaching it, so nothing from an abandoned socket is ever seen again).
 * - `send` writes only on a welcomed socket: hello is always the first frame.
 * - Side effects of a transition run before its `state` event is emitted, so listeners may call
 *   connect()/disconnect() re-entrantly and see a consistent object.
 */
import {
  encodeFrame,
  parseServerFrame,
  type HelloFrame,
  type ServerFrame,
  type WelcomeFrame,
} from '@hdns/protocol';
import { backoffDelay } from './backoff.js';
import {
  INITIAL_SNAPSHOT,
  transition,
  type ConnectionEvent,
  type ConnectionSnapshot,
} from './connection-state.js';
import { watchNetwork } from './network-status.js';
import type { ResolvedOptions } from './options.js';
import { NORMAL_CLOSURE, type TransportConnection } from './transport.js';
import { Watchdog } from './watchdog.js';

export interface ConnectionHooks {
  /** Builds the hello for a new socket (fetches a token). Throwing fails the attempt. */
  hello(): Promise<HelloFrame>;
  /** The server accepted `hello`. Runs before the state becomes `open`. */
  welcome(frame: WelcomeFrame, hello: HelloFrame): void;
  /** Every other server frame except ping. */
  frame(frame: ServerFrame): void;
  /** The socket is gone (lost, replaced, or closed by the client). */
  disconnected(): void;
  /** The state changed (after the change's side effects). */
  state(snapshot: ConnectionSnapshot): void;
}

export class Connection {
  private snapshot: ConnectionSnapshot = INITIAL_SNAPSHOT;
  private socket: TransportConnection | undefined;
  private welcomed = false;
  /** Bumped whenever the socket is dropped; stale async work compares against it. */
  private generation = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly watchdog = new Watchdog();
  private unwatchNetwork: (() => void) | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly hooks: ConnectionHooks,
  ) {}

  get state(): ConnectionSnapshot {
    return this.snapshot;
  }

  connect(): void {
    this.apply({ type: 'connect' });
  }

  reconnect(): void {
    this.apply({ type: 'reconnect' });
  }

  disconnect(): void {
    this.apply({ type: 'disconnect' });
  }

  /** Writes one frame on the welcomed socket; false when there is none. */
  send(text: string): boolean {
    return this.welcomed && this.socket !== undefined && this.socket.send(text);
  }

  private apply(event: ConnectionEvent): void {
    const from = this.snapshot;
    const next = transition(from, event, { maxAttempts: this.options.backoff.maxAttempts });
    if (next === from) return;
    if (next.state !== 'open') this.dropSocket(next.reason);
    this.snapshot = next;
    this.enter(next);
    this.hooks.state(next);
  }

  private enter(s: ConnectionSnapshot): void {
    switch (s.state) {
      case 'connecting':
        this.watchNetwork();
        void this.attempt();
        return;
      case 'reconnecting':
        if (s.nextRetryAt !== undefined) {
          const delay = Math.max(0, s.nextRetryAt - Date.now());
          this.retryTimer = setTimeout(() => this.apply({ type: 'retry' }), delay);
        }
        return;
      case 'closed':
        this.unwatchNetwork?.();
        this.unwatchNetwork = undefined;
        return;
      default:
        return;
    }
  }

  private async attempt(): Promise<void> {
    const generation = this.generation;
    // The deadline covers getToken() too: a token provider that hangs must not stall the client.
    this.watchdog.arm(this.options.connectTimeoutMs, () => this.abandon('connect_timeout'));
    let hello: HelloFrame;
    let url: string;
    try {
      hello = await this.hooks.hello();
      url = this.options.url();
    } catch (err) {
      if (generation !== this.generation) return;
      this.options.logger.warn('could not prepare the connection (getToken or url failed)', {
        err,
      });
      this.lose({ reason: 'token_error' });
      return;
    }
    if (generation !== this.generation || this.snapshot.state !== 'connecting') return;
    const socket = this.options.transport.open(url, {
      onOpen: () => void socket.send(encodeFrame(hello)),
      onMessage: (data) => this.receive(data, hello),
      onClose: (code) => {
        this.socket = undefined;
        this.lose({ code });
      },
    });
    this.socket = socket;
  }

  private receive(data: unknown, hello: HelloFrame): void {
    this.watchdog.kick();
    const parsed = parseServerFrame(data);
    if (!parsed.ok) {
      this.options.logger.warn('ignored an invalid server frame', {
        code: parsed.code,
        message: parsed.message,
      });
      return;
    }
    if (parsed.dropped) {
      this.options.logger.warn('left out invalid events of a batch', { dropped: parsed.dropped });
    }
    const frame = parsed.frame;
    if (frame.type === 'ping') {
      this.socket?.send(encodeFrame({ type: 'pong', ts: frame.ts }));
      return;
    }
    if (!this.welcomed && frame.type === 'welcome') {
      this.welcomed = true;
      const grace = frame.heartbeatMs * this.options.heartbeatGraceFactor;
      this.watchdog.arm(grace, () => this.abandon('heartbeat_timeout'));
      this.hooks.welcome(frame, hello);
      this.apply({ type: 'welcome' });
      return;
    }
    this.hooks.frame(frame);
  }

  /** Gives up on the current socket without waiting for a close handshake. */
  private abandon(reason: string): void {
    this.options.logger.warn('connection abandoned', { reason });
    this.lose({ reason });
  }

  private lose(cause: { code?: number; reason?: string }): void {
    const retryInMs = backoffDelay(
      this.snapshot.attempt + 1,
      this.options.backoff,
      this.options.random,
    );
    this.apply({ type: 'lost', ...cause, at: Date.now(), retryInMs });
  }

  private dropSocket(reason: string): void {
    this.generation++;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.watchdog.stop();
    const socket = this.socket;
    const hadSocket = socket !== undefined || this.welcomed;
    this.socket = undefined;
    this.welcomed = false;
    socket?.close(NORMAL_CLOSURE, reason.slice(0, 100));
    if (hadSocket) this.hooks.disconnected();
  }

  private watchNetwork(): void {
    if (this.unwatchNetwork || !this.options.network) return;
    this.unwatchNetwork = watchNetwork(this.options.network, {
      online: () => this.apply({ type: 'online' }),
      offline: () => this.apply({ type: 'offline' }),
    });
  }
}
