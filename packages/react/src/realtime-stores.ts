/**
 * The external stores one provider keeps for its client: connection state, the event feed and
 * latest values. They are fed from one `'*'` handler and one state handler, attached while the
 * provider is mounted; every hook reads them through useSyncExternalStore.
 *
 * Contract: `attach()` starts listening (and publishes the client's current state at once, so a
 * client that changed state before mounting is shown correctly); the returned function stops
 * listening and cancels scheduled flushes. All three stores publish at most once per frame.
 */
import type { ConnectionSnapshot, EventFrameUnion } from '@hdns/client';
import type { RealtimeClientLike } from './client-like.js';
import { EventFeedStore, type EventFilter } from './event-feed-store.js';
import type { FrameScheduler } from './frame-scheduler.js';
import { FrameStore } from './frame-store.js';
import { LatestStore } from './latest-store.js';

export interface RealtimeStoreOptions {
  /** Events kept by the feed (default 200). */
  feedSize?: number;
  /** Which events enter the feed (default: every priority but `low`). */
  feedFilter?: EventFilter;
  /** When to publish (default: next animation frame, setTimeout(16) without rAF). */
  scheduler?: FrameScheduler;
}

export class RealtimeStores {
  readonly connection: FrameStore<ConnectionSnapshot>;
  readonly feed: EventFeedStore;
  readonly latest: LatestStore;

  constructor(
    readonly client: RealtimeClientLike,
    options: RealtimeStoreOptions = {},
  ) {
    this.connection = new FrameStore(() => client.state, options.scheduler);
    this.feed = new EventFeedStore(client, options.feedSize, options.feedFilter, options.scheduler);
    this.latest = new LatestStore(options.scheduler);
  }

  attach(): () => void {
    const offEvents = this.client.on('*', (event: EventFrameUnion) => {
      this.latest.push(event);
      this.feed.push(event);
    });
    const offState = this.client.onState(() => this.connection.invalidate());
    this.connection.flush();
    return () => {
      offEvents();
      offState();
      this.connection.dispose();
      this.feed.store.dispose();
      this.latest.store.dispose();
    };
  }
}
