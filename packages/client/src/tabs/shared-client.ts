/**
 * One real-time connection per browser: tabs of the same origin and user elect a leader; only
 * the leader holds the WebSocket, and every tab gets the API of RealtimeClient (on, onState,
 * onSignal, subscribe/unsubscribe/ack as promises, state, position, ready).
 *
 * - Membership, election and routing: tab-node.ts (Web Locks, or heartbeats as the fallback).
 * - The leader relays server frames, state changes and signals, answers the tabs' requests and
 *   keeps the union of their subscriptions: leader.ts, tab-registry.ts.
 * - Every tab runs its own TabStream over the relayed frames: each event reaches a tab's
 *   handlers once and in order, and each tab knows its position, so whichever tab leads next
 *   resumes without loss: tab-stream.ts, leader-transport.ts.
 * This class is the facade: handlers, signals, this tab's items and its view of the stream.
 */
import { waitForOpen } from '../wait-open.js';
import type { EventType, StreamPosition } from '@hdns/protocol';
import { INITIAL_SNAPSHOT, type ConnectionSnapshot } from '../connection-state.js';
import { Emitter } from '../emitter.js';
import { RealtimeError } from '../errors.js';
import { EventRouter, type HandlerFor, type RouteKey } from '../event-router.js';
import { consoleLogger, type ClientLogger } from '../logger.js';
import type { ClientSignals, SubscriptionResult } from '../signals.js';
import { stableInstanceId, tabId } from './instance-id.js';
import type { RelayedSignal, RequestOp, RequestResult } from './messages.js';
import {
  defaultChannelFactory,
  defaultLocks,
  defaultPageEvents,
  defaultStorage,
} from './platform.js';
import {
  sharedSettings,
  type SharedRealtimeClientOptions,
  type SharedSettings,
} from './shared-options.js';
import { TabInterest } from './tab-interest.js';
import { TabNode, type TabRole } from './tab-node.js';
import { TabStream } from './tab-stream.js';

export interface SharedClientSignals extends ClientSignals {
  /** This tab became the leader (it holds the socket), a follower, or left (idle). */
  role: TabRole;
}

export class SharedRealtimeClient {
  /** This tab's id (sorts by start time). */
  readonly tabId: string;
  /** The stable `hello.client.instanceId` of this browser and user. */
  readonly instanceId: string;
  private readonly settings: SharedSettings;
  private readonly logger: ClientLogger;
  private readonly router: EventRouter;
  private readonly signals: Emitter<SharedClientSignals>;
  private readonly interest: TabInterest;
  private readonly stream: TabStream;
  private node: TabNode | undefined;
  private snapshot: ConnectionSnapshot = INITIAL_SNAPSHOT;
  private effective: readonly string[] = [];

  constructor(private readonly options: SharedRealtimeClientOptions) {
    this.settings = sharedSettings(options);
    this.logger = options.logger ?? consoleLogger;
    this.tabId = tabId();
    this.instanceId =
      options.instanceId ??
      stableInstanceId(options.storage ?? defaultStorage(), this.settings.names.storageKey);
    this.router = new EventRouter(this.logger);
    this.signals = new Emitter<SharedClientSignals>(this.logger);
    this.interest = new TabInterest(options.subscriptions);
    this.stream = new TabStream((e) => this.interest.wants(e.event), {
      event: (e) => this.router.dispatch(e),
      welcome: (frame) => {
        this.effective = frame.subscriptions;
        this.signals.emit('welcome', frame);
      },
      resync: (payload) => this.signals.emit('resync', payload),
    });
  }

  get state(): ConnectionSnapshot {
    return this.snapshot;
  }

  /** This tab's position in the stream: what it has delivered. */
  get position(): StreamPosition | undefined {
    return this.stream.position;
  }

  /** The part of the connection's effective subscription set this tab asked for. */
  get subscriptions(): readonly string[] {
    return this.interest.filter(this.effective);
  }

  get role(): TabRole {
    return this.node?.role ?? 'idle';
  }

  /** Joins the tabs of this origin and user (one of them connects); after `closed`, reconnects. */
  connect(): void {
    if (this.node) {
      if (this.snapshot.state === 'closed') this.reconnect();
      return;
    }
    const o = this.options;
    const factory = o.channelFactory ?? defaultChannelFactory();
    if (!factory) {
      throw new TypeError('SharedRealtimeClient needs BroadcastChannel; use RealtimeClient here.');
    }
    this.node = new TabNode({
      tabId: this.tabId,
      settings: this.settings,
      clientOptions: { ...o, instanceId: this.instanceId },
      channel: factory(this.settings.names.channel),
      locks: o.locks === false ? undefined : (o.locks ?? defaultLocks()),
      page: o.pageEvents === false ? undefined : (o.pageEvents ?? defaultPageEvents()),
      logger: this.logger,
      queueSize: o.offlineQueueSize ?? 100,
      host: {
        items: () => ({ items: this.interest.items, version: this.interest.version }),
        position: () => this.stream.position,
        snapshot: () => this.snapshot,
        stream: (item) => this.stream.apply(item),
        state: (s) => this.setState(s),
        signal: (s) => this.relayed(s),
        role: (r) => this.signals.emit('role', r),
      },
    });
    this.node.start();
  }

  /** Leaves: hands the socket over if this tab leads; state closed, pending requests fail. */
  disconnect(): void {
    const node = this.node;
    if (!node) return;
    this.node = undefined;
    node.stop();
    this.setState({ state: 'closed', reason: 'client_disconnect', attempt: 0 });
  }

  /** Asks the leader to drop its socket and connect again now. */
  reconnect(): void {
    this.request({ op: 'reconnect' }).catch((err: unknown) =>
      this.logger.warn('reconnect failed', { err }),
    );
  }

  /** Resolves when the shared state is `open`; rejects if it becomes `closed` or after `timeoutMs`. */
  ready(timeoutMs = Infinity): Promise<void> {
    return waitForOpen(this.snapshot, (h) => this.onState(h), timeoutMs);
  }

  /** Adds items for this tab; the leader subscribes what no other tab holds yet. */
  subscribe(items: readonly string[]): Promise<SubscriptionResult>;
  /** The dashboard hook style, as on RealtimeClient: the returned function removes the handler. */
  subscribe<T extends EventType>(type: T, handler: NoInfer<HandlerFor<T>>): () => void;
  subscribe<T extends EventType>(
    arg: readonly string[] | T,
    handler?: HandlerFor<T>,
  ): Promise<SubscriptionResult> | (() => void) {
    if (typeof arg !== 'string') return this.changeItems('subscribe', arg);
    if (!handler) throw new TypeError('subscribe(type, handler) needs a handler');
    const off = this.router.on(arg, handler);
    if (this.interest.has(arg)) return off;
    // Before connect() (a page's hooks run before its provider's effect connects) the item is
    // only noted: the tab's node subscribes its interest when it starts.
    if (!this.node) this.interest.add([arg]);
    else {
      this.changeItems('subscribe', [arg]).catch((err: unknown) =>
        this.logger.warn('subscribe failed', { type: arg, err }),
      );
    }
    return off;
  }

  /** Removes items of this tab; the server keeps those another tab still holds. */
  unsubscribe(items: readonly string[]): Promise<SubscriptionResult> {
    return this.changeItems('unsubscribe', items);
  }

  /** Acknowledges events up to `upToSeq` (default: this tab's position) or by id. */
  async ack(target: { upToSeq?: number; ids?: string[] } = {}): Promise<{ count: number }> {
    const upToSeq = target.upToSeq ?? (target.ids ? undefined : this.position?.seq);
    if (upToSeq === undefined && !target.ids) throw new TypeError('nothing to acknowledge yet');
    const result = await this.request({
      op: 'ack',
      ...(upToSeq !== undefined ? { upToSeq } : {}),
      ...(target.ids ? { ids: target.ids } : {}),
    });
    return { count: 'count' in result ? result.count : 0 };
  }

  on<K extends RouteKey>(key: K, handler: NoInfer<HandlerFor<K>>): () => void {
    return this.router.on(key, handler);
  }

  off<K extends RouteKey>(key: K, handler?: NoInfer<HandlerFor<K>>): void {
    this.router.off(key, handler);
  }

  onState(handler: (state: ConnectionSnapshot) => void): () => void {
    return this.signals.on('state', handler);
  }

  onSignal<K extends keyof SharedClientSignals>(
    name: K,
    handler: (payload: SharedClientSignals[K]) => void,
  ): () => void {
    return this.signals.on(name, handler);
  }

  private async changeItems(
    op: 'subscribe' | 'unsubscribe',
    items: readonly string[],
  ): Promise<SubscriptionResult> {
    if (items.length === 0) throw new TypeError(`${op} needs at least one item`);
    // Changed before the request: heartbeats carry the items, so a new leader knows them too.
    if (op === 'subscribe') this.interest.add(items);
    else this.interest.remove(items);
    const result = await this.request({ op, items: [...items] });
    if ('subscriptions' in result) this.effective = result.subscriptions;
    const asked = new Set(items);
    return {
      subscriptions: this.interest.filter(this.effective),
      rejected: 'rejected' in result ? result.rejected.filter((r) => asked.has(r.item)) : [],
    };
  }

  private request(op: RequestOp): Promise<RequestResult> {
    if (!this.node) {
      return Promise.reject(new RealtimeError('CLIENT_CLOSED', 'not connected: call connect()'));
    }
    return this.node.request(op);
  }

  private relayed(signal: RelayedSignal): void {
    if (signal.name === 'subscriptions') this.effective = signal.payload.subscriptions;
    this.signals.emit(signal.name, signal.payload);
  }

  private setState(snapshot: ConnectionSnapshot): void {
    this.snapshot = snapshot;
    this.signals.emit('state', snapshot);
  }
}
