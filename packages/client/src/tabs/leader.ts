/**
 * What the elected tab does: it owns the one WebSocket of the browser (a normal RealtimeClient
 * over a LeaderTransport) and serves every tab of the origin and user.
 *
 * Lifecycle:
 * 1. claim: announce leadership; every live tab answers with a report (its items and position).
 *    Wait until all known tabs answered or `claimWaitMs` passed.
 * 2. connect: subscriptions = the union of the live tabs' items; resume from the lowest position
 *    any tab reported (so nothing published during the handover is missed by anyone; what a tab
 *    already has is dropped by its own TabStream). After the first welcome, reconnects resume
 *    from this tab's own position, which every follower shares through the relay.
 * 3. serve: relay every welcome/batch/event frame, state change and signal to all tabs (this tab
 *    included, through `local`); answer tab requests; keep the server's subscriptions equal to
 *    the union as tabs come, change their items, and go (bye, or heartbeat timeout).
 * 4. stop: stop relaying first (followers must not see the socket's `closed`), then disconnect;
 *    the next leader takes over with a resume.
 */
import type { StreamPosition } from '@hdns/protocol';
import type { ConnectionSnapshot } from '../connection-state.js';
import type { ClientLogger } from '../logger.js';
import type { RealtimeClientOptions } from '../options.js';
import { RealtimeClient } from '../realtime-client.js';
import type { SubscriptionResult } from '../signals.js';
import { globalWebSocket, WebSocketTransport, type Transport } from '../transport.js';
import { arrayBufferFrames, LeaderTransport } from './leader-transport.js';
import type {
  RelayedSignal,
  RelayedSignals,
  RequestOp,
  RequestResult,
  StreamItem,
  TabMessage,
} from './messages.js';
import type { TabRegistry, UnionChange } from './tab-registry.js';

export interface LeaderDeps {
  selfId: string;
  /** Options for the inner client (instanceId already stable); subscriptions are set here. */
  clientOptions: RealtimeClientOptions;
  registry: TabRegistry;
  claimWaitMs: number;
  logger: ClientLogger;
  post(message: TabMessage): void;
  /** This tab's own share of the relay (it receives no BroadcastChannel message of its own). */
  local: {
    stream(item: StreamItem): void;
    state(snapshot: ConnectionSnapshot): void;
    signal(signal: RelayedSignal): void;
    /** This tab's stream position. */
    position(): StreamPosition | undefined;
  };
}

const RELAYED: readonly (keyof RelayedSignals)[] = [
  'subscriptions',
  'gap',
  'notice',
  'error',
  'token_refreshed',
  'token_refresh_failed',
];

export class LeaderRole {
  private client: RealtimeClient | undefined;
  private stopped = false;
  private welcomed = false;
  private seed: StreamPosition | undefined;
  private readonly answered = new Set<string>();
  private expected: string[] = [];
  private claimTimer: ReturnType<typeof setTimeout> | undefined;
  /** Requests that arrived during the claim; served once the client exists. */
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly deps: LeaderDeps) {}

  get snapshot(): ConnectionSnapshot | undefined {
    return this.client?.state;
  }

  start(): void {
    const { selfId, registry } = this.deps;
    this.expected = registry.ids().filter((id) => id !== selfId);
    this.deps.post({ type: 'claim', from: selfId });
    if (this.expected.length === 0) this.connect();
    else this.claimTimer = setTimeout(() => this.connect(), this.deps.claimWaitMs);
  }

  /** A tab answered the claim (its report is already in the registry). */
  reported(id: string): void {
    this.answered.add(id);
    if (!this.client && this.expected.every((t) => this.answered.has(t))) this.connect();
  }

  /** The registry changed (heartbeat, bye, expiry): bring the server's set to the union. */
  reconcile(change: UnionChange): void {
    const client = this.client;
    if (!client || this.stopped) return; // the union at connect covers it
    const log = (op: string) => (err: unknown) =>
      this.deps.logger.warn(`shared ${op} failed`, { err });
    if (change.added.length > 0) client.subscribe(change.added).catch(log('subscribe'));
    if (change.removed.length > 0) client.unsubscribe(change.removed).catch(log('unsubscribe'));
  }

  /** Serves one tab's request; `from` may be this tab. */
  handle(from: string, request: RequestOp, version: number): Promise<RequestResult> {
    if (this.client) return this.serve(this.client, from, request, version);
    return new Promise((resolve, reject) => {
      this.waiting.push(() => {
        if (this.client) this.serve(this.client, from, request, version).then(resolve, reject);
      });
    });
  }

  /** Gives up the connection without relaying its end: another tab continues the stream. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.claimTimer);
    this.client?.disconnect();
  }

  private async serve(
    client: RealtimeClient,
    from: string,
    request: RequestOp,
    version: number,
  ): Promise<RequestResult> {
    const { registry } = this.deps;
    switch (request.op) {
      case 'subscribe':
        registry.change(from, 'add', request.items, version);
        // Always asked, even when another tab holds the items: the reply says what was rejected.
        return client.subscribe(request.items);
      case 'unsubscribe': {
        const { removed } = registry.change(from, 'remove', request.items, version);
        if (removed.length > 0) return client.unsubscribe(removed);
        const unchanged: SubscriptionResult = {
          subscriptions: [...client.subscriptions],
          rejected: [],
        };
        return unchanged;
      }
      case 'ack':
        return client.ack({
          ...(request.upToSeq !== undefined ? { upToSeq: request.upToSeq } : {}),
          ...(request.ids ? { ids: request.ids } : {}),
        });
      case 'reconnect':
        client.reconnect();
        return {};
    }
  }

  private connect(): void {
    if (this.client || this.stopped) return;
    clearTimeout(this.claimTimer);
    const { registry, clientOptions, selfId } = this.deps;
    const own = this.deps.local.position();
    this.seed = registry.lowestPosition(own?.epoch) ?? own;
    const base: Transport =
      clientOptions.transport ??
      new WebSocketTransport(arrayBufferFrames(clientOptions.WebSocket ?? requireWebSocket()));
    const transport = new LeaderTransport(base, {
      resumeFrom: () => (this.welcomed ? this.deps.local.position() : this.seed),
      item: (item) => this.relayItem(item),
    });
    const { subscriptions: _ignored, ...rest } = clientOptions;
    const client = new RealtimeClient({
      ...rest,
      transport,
      ...(registry.anyExplicit() ? { subscriptions: registry.union() } : {}),
    });
    this.client = client;
    client.onState((snapshot) => {
      if (this.stopped) return;
      this.deps.local.state(snapshot);
      this.deps.post({ type: 'state', from: selfId, snapshot });
    });
    for (const name of RELAYED) {
      client.onSignal(name, (payload) => {
        if (this.stopped) return;
        const signal = { name, payload } as RelayedSignal;
        this.deps.local.signal(signal);
        this.deps.post({ type: 'signal', from: selfId, signal: cloneable(signal) });
      });
    }
    for (const run of this.waiting.splice(0)) run();
    client.connect();
  }

  private relayItem(item: StreamItem): void {
    if (this.stopped) return;
    if (item.kind === 'welcome') this.welcomed = true;
    this.deps.local.stream(item);
    this.deps.post({ type: 'stream', from: this.deps.selfId, item });
  }
}

/** A refresh error may hold anything (functions, sockets); other tabs get its text. */
function cloneable(signal: RelayedSignal): RelayedSignal {
  if (signal.name !== 'token_refresh_failed') return signal;
  const error = signal.payload.error;
  return {
    name: signal.name,
    payload: { error: error instanceof Error ? error.message : String(error) },
  };
}

function requireWebSocket() {
  const impl = globalWebSocket();
  if (!impl) throw new TypeError('No WebSocket implementation: pass the `WebSocket` option.');
  return impl;
}
