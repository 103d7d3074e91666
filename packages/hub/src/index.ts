export * from './event-log/event-log.js';
export * from './event-log/memory-event-log.js';
export * from './event-log/sqlite-event-log.js';
export * from './event-log/sqlite-driver.js';
export * from './event-log/prune-schedule.js';
export * from './bus/bus.js';
export * from './bus/memory-bus.js';
export * from './redis/redis-connection.js';
export * from './redis/redis-event-log.js';
export * from './redis/redis-bus.js';
export { DEFAULT_REDIS_PREFIX } from './redis/redis-keys.js';
export * from './identity.js';
export * from './hub.js';
export type { HubOptions } from './hub-options.js';
export type { AuthOutcome, HubLogger } from './hub-hooks.js';
export type { ConnectionInfo } from './connection-info.js';
export { PublishError, type Actor, type PublishOptions } from './event-publisher.js';
export * from './hub-socket.js';
export * from './address-key.js';
export * from './ip-admission.js';
export * from './authorizer.js';
export * from './encoded-event.js';
export * from './outbound-queue.js';
export * from './session.js';
export * from './session-options.js';
export * from './threshold-watch.js';
export * from './wire.js';
export * from './legacy/index.js';
export type {
  ClusterMember,
  ClusterSession,
  NodeStats,
  SessionCluster,
} from './session-cluster.js';
export { ClusterUnavailableError, isClusterUnavailable } from './session-cluster.js';
export type { KeptCredential } from './revocation-marks.js';
export {
  RedisSessionCluster,
  type RedisSessionClusterOptions,
} from './redis/redis-session-cluster.js';
export { RedisScript } from './redis/redis-scripts.js';
export type { RedisCommander } from './redis/redis-commander.js';
export * from './ws-compression.js';
export * from './deflate-budget.js';
