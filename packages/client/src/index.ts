/**
 * @hdns/client: the real-time client SDK for browsers and Node. Frame, event and code types
 * come from @hdns/protocol (re-exported here where an app needs them); this package adds the
 * connection behaviour.
 */
export { RealtimeClient } from './realtime-client.js';
export type { RealtimeClientOptions, TokenRequest } from './options.js';
export type { ClientSignals, SubscriptionResult } from './signals.js';
export type { ConnectionSnapshot, ConnectionStateName } from './connection-state.js';
export type { BackoffPolicy } from './backoff.js';
export { RealtimeError, type RealtimeErrorCode } from './errors.js';
export { EventType, type EventTypeConstants } from './event-type.js';
export type { HandlerFor, RouteKey } from './event-router.js';
export type { ClientLogger } from './logger.js';
export type { NetworkTarget } from './network-status.js';
export { SharedRealtimeClient, type SharedClientSignals } from './tabs/shared-client.js';
export type { SharedRealtimeClientOptions } from './tabs/shared-options.js';
export type { TabRole } from './tabs/tab-node.js';
export type {
  LockManagerLike,
  PageEvents,
  StorageLike,
  TabChannel,
  TabChannelFactory,
} from './tabs/platform.js';
export {
  WebSocketTransport,
  type Transport,
  type TransportConnection,
  type TransportHandlers,
  type WebSocketConstructor,
  type WebSocketLike,
} from './transport.js';
export {
  CloseCode,
  isTerminalCloseCode,
  type Category,
  type EventFrame,
  type EventFrameUnion,
  type StreamPosition,
} from '@hdns/protocol';
