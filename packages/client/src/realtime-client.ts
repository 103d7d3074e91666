/**
 * The client SDK's entry point: one logical, self-healing connection to `/ws` (protocol v1).
 * A facade: Connection runs the lifecycle (state machine, backoff, heartbeat, socket),
 * ProtocolSession the protocol state (resume position, subscriptions, requests and the offline
 * queue, token refresh), EventRouter the typed handlers. Each documents its own contract.
 */
import { waitForOpen } from './wait-open.js';
import type { EventType, StreamPosition } from '@hdns/protocol';
import { Connection } from './connection.js';
import type { ConnectionSnapshot } from './connection-state.js';
import { Emitter } from './emitter.js';
import { EventRouter, type HandlerFor, type RouteKey } from './event-router.js';
import { resolveOptions, type RealtimeClientOptions, type ResolvedOptions } from './options.js';
import { ProtocolSession } from './protocol-session.js';
import type { ClientSignals, SubscriptionResult } from './signals.js';

export class RealtimeClient {
  private readonly options: ResolvedOptions;
  private readonly router: EventRouter;
  private readonly signals: Emitter<ClientSignals>;
  private readonly session: ProtocolSession;
  private readonly connection: Connection;

  constructor(options: RealtimeClientOptions) {
    this.options = resolveOptions(options);
    this.router = new EventRouter(this.options.logger);
    this.signals = new Emitter<ClientSignals>(this.options.logger);
    this.session = new ProtocolSession(this.options, this.router, this.signals, (text) =>
      this.connection.send(text),
    );
    this.connection = new Connection(this.options, this.session);
  }

  get state(): ConnectionSnapshot {
    return this.connection.state;
  }

  /** Position in the server's event stream (what a reconnect resumes from). */
  get position(): StreamPosition | undefined {
    return this.session.tracker.position;
  }

  /** The effective subscription set as last confirmed by the server. */
  get subscriptions(): readonly string[] {
    return this.session.wanted.current;
  }

  connect(): void {
    this.connection.connect();
  }

  /** Closes for good (state closed, reason client_disconnect); pending requests fail. */
  disconnect(): void {
    this.connection.disconnect();
  }

  /** Drops the current socket (if any) and connects again now, resetting the attempt count. */
  reconnect(): void {
    this.connection.reconnect();
  }

  /** Resolves when the state is `open`; rejects if it becomes `closed` or after `timeoutMs`. */
  ready(timeoutMs = Infinity): Promise<void> {
    return waitForOpen(this.state, (h) => this.onState(h), timeoutMs);
  }

  /** Adds subscription items (event types, categories, '*'); settles with the server's reply. */
  subscribe(items: readonly string[]): Promise<SubscriptionResult>;
  /**
   * The original dashboard's hook style: `subscribe(EventType.ZONE_CREATED, handler)` listens
   * and makes sure the server sends that type. The returned function removes the handler only.
   */
  subscribe<T extends EventType>(type: T, handler: NoInfer<HandlerFor<T>>): () => void;
  subscribe<T extends EventType>(
    arg: readonly string[] | T,
    handler?: HandlerFor<T>,
  ): Promise<SubscriptionResult> | (() => void) {
    if (typeof arg !== 'string') return this.changeSubscriptions('subscribe', arg);
    if (!handler) throw new TypeError('subscribe(type, handler) needs a handler');
    const off = this.router.on(arg, handler);
    if (!this.session.wanted.has(arg)) {
      this.changeSubscriptions('subscribe', [arg]).catch((err: unknown) =>
        this.options.logger.warn('subscribe failed', { type: arg, err }),
      );
    }
    return off;
  }

  unsubscribe(items: readonly string[]): Promise<SubscriptionResult> {
    return this.changeSubscriptions('unsubscribe', items);
  }

  /** Acknowledges events up to `upToSeq` (default: the current position) or by id. */
  async ack(target: { upToSeq?: number; ids?: string[] } = {}): Promise<{ count: number }> {
    const upToSeq = target.upToSeq ?? (target.ids ? undefined : this.position?.seq);
    if (upToSeq === undefined && !target.ids) throw new TypeError('nothing to acknowledge yet');
    const reply = await this.session.outbox.request({
      type: 'ack',
      ...(upToSeq !== undefined ? { upToSeq } : {}),
      ...(target.ids ? { ids: target.ids } : {}),
    });
    return { count: reply.count };
  }

  /** Listens to one event type (typed payload), a category, or every event ('*'). */
  on<K extends RouteKey>(key: K, handler: NoInfer<HandlerFor<K>>): () => void {
    return this.router.on(key, handler);
  }

  off<K extends RouteKey>(key: K, handler?: NoInfer<HandlerFor<K>>): void {
    this.router.off(key, handler);
  }

  onState(handler: (state: ConnectionSnapshot) => void): () => void {
    return this.signals.on('state', handler);
  }

  /** Listens to one of the client's own signals (resync, gap, notice, error …). */
  onSignal<K extends keyof ClientSignals>(
    name: K,
    handler: (payload: ClientSignals[K]) => void,
  ): () => void {
    return this.signals.on(name, handler);
  }

  private async changeSubscriptions(
    type: 'subscribe' | 'unsubscribe',
    items: readonly string[],
  ): Promise<SubscriptionResult> {
    if (items.length === 0) throw new TypeError(`${type} needs at least one item`);
    const reply = await this.session.outbox.request({ type, items: [...items] });
    return { subscriptions: reply.subscriptions, rejected: reply.rejected };
  }
}
