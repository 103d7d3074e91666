/**
 * @hdns/react: React bindings over @hdns/client. One provider per app; hooks read small external
 * stores through useSyncExternalStore, and bursts of events render at most once per frame.
 */
export { RealtimeProvider, type RealtimeProviderProps } from './provider.js';
export { useRealtimeClient } from './context.js';
export { useConnectionState } from './use-connection-state.js';
export { useRealtimeEvent } from './use-realtime-event.js';
export {
  useEventFeed,
  DEFAULT_FEED_LIMIT,
  type EventFeed,
  type EventFeedOptions,
} from './use-event-feed.js';
export { useLatest } from './use-latest.js';
export { useSubscription } from './use-subscription.js';
export type { RealtimeClientLike } from './client-like.js';
export type { RealtimeStoreOptions } from './realtime-stores.js';
export {
  DEFAULT_FEED_SIZE,
  notificationsOnly,
  type EventFeedSnapshot,
  type EventFilter,
} from './event-feed-store.js';
export type { LatestKey } from './latest-store.js';
export { nextFrame, type FrameScheduler } from './frame-scheduler.js';
export { FrameStore } from './frame-store.js';
