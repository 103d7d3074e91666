/**
 * One tab's membership in the group of tabs sharing a connection: the BroadcastChannel, the
 * heartbeat, the registry of live tabs, the election, and the role that follows from it. As
 * leader it runs a LeaderRole; as follower it routes the leader's relays to its host (the
 * SharedRealtimeClient facade) and its requests to the leader.
 *
 * Trust rules for relayed messages: stream, state and signal messages are taken only from the
 * leader this tab follows. A tab follows whoever claimed last; a tab that opened after the
 * claim follows the first heartbeat or relay that says it comes from a leader.
 */
import type { StreamPosition } from '@hdns/protocol';
import type { ConnectionSnapshot } from '../connection-state.js';
import type { ClientLogger } from '../logger.js';
import type { RealtimeClientOptions } from '../options.js';
import { HeartbeatElection, LockElection, type Election } from './election.js';
import { LeaderRole } from './leader.js';
import type {
  RelayedSignal,
  RequestOp,
  RequestResult,
  StreamItem,
  TabItems,
  TabMessage,
  TabReport,
} from './messages.js';
import { isTabMessage } from './messages.js';
import type { LockManagerLike, PageEvents, TabChannel } from './platform.js';
import type { SharedSettings } from './shared-options.js';
import { TabRegistry } from './tab-registry.js';
import { serializeError, TabRequests, type OutgoingRequest } from './tab-requests.js';

export type TabRole = 'idle' | 'follower' | 'leader';

/** What the node needs from the tab's client facade. */
export interface TabHost {
  items(): { items: TabItems; version: number };
  position(): StreamPosition | undefined;
  snapshot(): ConnectionSnapshot;
  stream(item: StreamItem): void;
  state(snapshot: ConnectionSnapshot): void;
  signal(signal: RelayedSignal): void;
  role(role: TabRole): void;
}

export interface TabNodeDeps {
  tabId: string;
  settings: SharedSettings;
  /** The inner client's options (instanceId set), used when this tab leads. */
  clientOptions: RealtimeClientOptions;
  channel: TabChannel;
  locks: LockManagerLike | undefined;
  page: PageEvents | undefined;
  logger: ClientLogger;
  queueSize: number;
  host: TabHost;
}

export class TabNode {
  private readonly registry: TabRegistry;
  private readonly election: Election;
  private readonly requests: TabRequests;
  private leader: LeaderRole | undefined;
  private leaderId: string | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private unwatchPage: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly deps: TabNodeDeps) {
    const { tabId, settings, locks, logger } = deps;
    this.registry = new TabRegistry(tabId, settings.tabTimeoutMs);
    this.election = locks
      ? new LockElection(locks, settings.names.lock, (err) =>
          logger.error('leader lock failed', { err }),
        )
      : new HeartbeatElection(this.registry, tabId, 2 * settings.heartbeatMs);
    this.requests = new TabRequests(tabId, deps.queueSize, (r) => this.deliver(r));
  }

  get role(): TabRole {
    if (this.stopped) return 'idle';
    return this.leader ? 'leader' : 'follower';
  }

  start(): void {
    const { channel, page, settings } = this.deps;
    channel.onmessage = (event) => {
      if (isTabMessage(event.data)) this.receive(event.data);
    };
    this.tick();
    this.timer = setInterval(() => this.tick(), settings.heartbeatMs);
    if (page) {
      const bye = (): void => this.post({ type: 'bye', from: this.deps.tabId });
      page.addEventListener('pagehide', bye);
      this.unwatchPage = () => page.removeEventListener('pagehide', bye);
    }
    this.deps.host.role('follower');
    this.election.start({ elected: () => this.lead(), deposed: () => this.resign() });
  }

  /** Leaves the group: hands leadership over, fails pending requests, closes the channel. */
  stop(): void {
    if (this.stopped) return;
    this.post({ type: 'bye', from: this.deps.tabId });
    this.resign();
    this.stopped = true;
    this.election.stop();
    clearInterval(this.timer);
    this.unwatchPage?.();
    this.deps.channel.onmessage = null;
    this.deps.channel.close();
    this.requests.closeAll('client_disconnect');
    this.deps.host.role('idle');
  }

  /** Sends a request to the leader (whoever it is, now or after a handover). */
  request(op: RequestOp): Promise<RequestResult> {
    return this.requests.send(op, this.deps.host.items().version);
  }

  private deliver(r: OutgoingRequest): void {
    if (this.leader) {
      this.leader.handle(this.deps.tabId, r.request, r.version).then(
        (result) => this.requests.settle(r.reqId, result, undefined),
        (err: unknown) => this.requests.settle(r.reqId, undefined, serializeError(err)),
      );
    } else if (this.leaderId) {
      this.post({ type: 'request', from: this.deps.tabId, to: this.leaderId, ...r });
    }
  }

  private lead(): void {
    if (this.leader || this.stopped) return;
    const { tabId, host } = this.deps;
    this.leaderId = tabId;
    this.registry.update(tabId, this.report(true));
    this.leader = new LeaderRole({
      selfId: tabId,
      clientOptions: this.deps.clientOptions,
      registry: this.registry,
      claimWaitMs: this.deps.settings.claimWaitMs,
      logger: this.deps.logger,
      post: (m) => this.post(m),
      local: {
        stream: (item) => host.stream(item),
        state: (s) => host.state(s),
        signal: (s) => host.signal(s),
        position: () => host.position(),
      },
    });
    this.leader.start();
    this.requests.redeliver();
    host.role('leader');
  }

  private resign(): void {
    if (!this.leader) return;
    this.leader.stop();
    this.leader = undefined;
    this.leaderId = undefined;
    this.deps.host.role('follower');
  }

  private follow(id: string): void {
    if (this.leaderId === id || id === this.deps.tabId) return;
    this.leaderId = id;
    this.requests.redeliver();
  }

  private receive(m: TabMessage): void {
    const { tabId, host } = this.deps;
    if ('to' in m && m.to !== undefined && m.to !== tabId) return;
    // A tab that has not seen a claim yet follows the first tab that relays to it.
    const relay = m.type === 'stream' || m.type === 'state' || m.type === 'signal';
    if (relay && !this.leader && this.leaderId === undefined) this.follow(m.from);
    const fromLeader = !this.leader && m.from === this.leaderId;
    switch (m.type) {
      case 'hb':
      case 'report': {
        const known = this.registry.has(m.from);
        const report: TabReport = {
          items: m.items,
          version: m.version,
          leader: m.leader,
          ...(m.position ? { position: m.position } : {}),
        };
        const change = this.registry.update(m.from, report);
        if (this.leader) {
          this.leader.reconcile(change);
          if (m.type === 'report') this.leader.reported(m.from);
          if (!known)
            this.post({ type: 'state', from: tabId, to: m.from, snapshot: host.snapshot() });
        } else if (m.leader && this.leaderId === undefined) this.follow(m.from);
        this.election.evaluate();
        return;
      }
      case 'bye':
        this.leader?.reconcile(this.registry.remove(m.from));
        if (m.from === this.leaderId) {
          this.leaderId = undefined;
          host.state({ state: 'reconnecting', reason: 'leader_changed', attempt: 0 });
        }
        this.election.evaluate();
        return;
      case 'claim':
        if (this.leader) return; // a fallback-election overlap; evaluate() settles it
        this.follow(m.from);
        this.post({ type: 'report', from: tabId, to: m.from, ...this.report(false) });
        return;
      case 'stream':
        if (fromLeader) host.stream(m.item);
        return;
      case 'state':
        if (fromLeader) host.state(m.snapshot);
        return;
      case 'signal':
        if (fromLeader) host.signal(m.signal);
        return;
      case 'request':
        this.leader?.handle(m.from, m.request, m.version).then(
          (result) => this.post({ type: 'reply', from: tabId, to: m.from, reqId: m.reqId, result }),
          (err: unknown) =>
            this.post({
              type: 'reply',
              from: tabId,
              to: m.from,
              reqId: m.reqId,
              error: serializeError(err),
            }),
        );
        return;
      case 'reply':
        this.requests.settle(m.reqId, m.result, m.error);
        return;
    }
  }

  /** Heartbeat: report this tab, drop silent tabs, re-check the fallback election. */
  private tick(): void {
    const leading = this.leader !== undefined;
    this.registry.update(this.deps.tabId, this.report(leading));
    this.post({ type: 'hb', from: this.deps.tabId, ...this.report(leading) });
    const { expired, ...change } = this.registry.expire();
    this.leader?.reconcile(change);
    if (this.leaderId !== undefined && expired.includes(this.leaderId)) this.leaderId = undefined;
    this.election.evaluate();
  }

  private report(leader: boolean): TabReport {
    const position = this.deps.host.position();
    return { ...this.deps.host.items(), leader, ...(position ? { position } : {}) };
  }

  private post(message: TabMessage): void {
    if (this.stopped) return;
    try {
      this.deps.channel.postMessage(message);
    } catch (err) {
      this.deps.logger.warn('could not post to the other tabs', { type: message.type, err });
    }
  }
}
