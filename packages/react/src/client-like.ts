/**
 * The part of RealtimeClient the bindings use. `RealtimeClient` from @hdns/client satisfies it;
 * tests (and relays) can pass any object that does. Keeping this narrow documents exactly which
 * client behaviour the hooks rely on.
 */
import type {
  ConnectionSnapshot,
  HandlerFor,
  RouteKey,
  StreamPosition,
  SubscriptionResult,
} from '@hdns/client';

export interface RealtimeClientLike {
  /** Same object until the state changes (safe for useSyncExternalStore). */
  readonly state: ConnectionSnapshot;
  /** Highest delivered watermark; undefined before the first welcome. */
  readonly position: StreamPosition | undefined;
  /** The effective subscription set as last confirmed by the server (event types). */
  readonly subscriptions: readonly string[];
  connect(): void;
  disconnect(): void;
  on<K extends RouteKey>(key: K, handler: NoInfer<HandlerFor<K>>): () => void;
  onState(handler: (state: ConnectionSnapshot) => void): () => void;
  subscribe(items: readonly string[]): Promise<SubscriptionResult>;
  unsubscribe(items: readonly string[]): Promise<SubscriptionResult>;
  ack(target?: { upToSeq?: number; ids?: string[] }): Promise<{ count: number }>;
}
