import { LEGACY_MODES } from '@hdns/protocol/rest';
import { bool, int, oneOf, redisUrl, seconds, text } from './setting-kinds.js';
import { optional, setting, type SettingTree } from './setting.js';

/** The realtime hub's settings (`/ws`, the event log); a section of settings-table.ts. */

const RETENTION_LIMITS = { count: int(100, 100_000_000), age: seconds(60, 3650 * 86_400) };

export const REALTIME_SETTINGS = {
  redisUrl: optional(
    'HDNS_REDIS_URL',
    redisUrl(),
    'Redis holding the shared event log and bus of several instances (Redis Streams); unset: ' +
      'the event log is `<data>/events.sqlite` and the bus is in-process. Redis must persist ' +
      '(`appendonly yes`, `appendfsync always`) and never evict (`maxmemory-policy noeviction`); ' +
      'see docs/scaling.md',
    { secret: true },
  ),
  redisPrefix: setting(
    'HDNS_REDIS_PREFIX',
    text('key prefix'),
    'hdns',
    "prefix (and Redis Cluster hash tag) of the event log's keys; instances of one cluster " +
      'share it',
  ),
  maxConnectionsPerUser: setting(
    'HDNS_WS_MAX_PER_USER',
    int(1, 100),
    1,
    'WebSockets per user (a browser shares one among its tabs); a newer one supersedes the ' +
      'oldest. Sockets opened with an API token are apart: they never supersede the user’s ' +
      'dashboard nor are superseded by it (only by their own client reconnecting)',
  ),
  maxConnections: setting(
    'HDNS_WS_MAX_CONNECTIONS',
    int(1, 1_000_000),
    20_000,
    'WebSockets in all; further ones are refused',
  ),
  maxConnectionsPerIp: setting(
    'HDNS_WS_MAX_PER_IP',
    int(1, 1_000_000),
    20_000,
    'WebSockets open at once per client address',
  ),
  maxAttemptsPerIp: setting(
    'HDNS_WS_MAX_ATTEMPTS_PER_IP',
    int(1, 10_000_000),
    60_000,
    'WebSocket connection attempts allowed per client address per minute',
  ),
  heartbeatSeconds: setting(
    'HDNS_WS_HEARTBEAT',
    seconds(1, 3600),
    25,
    'time between server pings; silent peers close after two',
  ),
  batchDelayMs: setting(
    'HDNS_WS_BATCH_DELAY_MS',
    int(0, 5000, 'milliseconds'),
    20,
    'batching window for normal and low events',
  ),
  compression: setting(
    'HDNS_WS_COMPRESSION',
    bool(),
    true,
    'permessage-deflate (`on`/`off` also read) for the clients that offer it (browsers, the ' +
      'SDK and CLI over `ws`); the others get plain frames. No context takeover and a 2 KB ' +
      'window: a socket that got a compressed frame holds ~100–130 KB for it until it closes, ' +
      'at most HDNS_WS_COMPRESSION_MAX_SOCKETS of them (docs/architecture.md)',
  ),
  compressionThreshold: setting(
    'HDNS_WS_COMPRESSION_THRESHOLD',
    int(0, 1_048_576, 'bytes'),
    16_384,
    'frames of at least this many bytes are compressed (replay and query-log batches, bulk ' +
      'results); smaller ones, most live events, go out plain: compressing them per socket ' +
      'costs CPU at fan-out for little gain',
  ),
  compressionMaxSockets: setting(
    'HDNS_WS_COMPRESSION_MAX_SOCKETS',
    int(0, 1_000_000),
    1_000,
    'sockets that may hold a compressor at once (~100–130 KB each, kept until the socket ' +
      "closes): past it, a socket's large frames go out plain until one of them closes, so " +
      'compression memory stays bounded after a reconnect storm (gauge hdns_ws_deflate_sockets)',
  ),
  retentionEvents: setting(
    'HDNS_EVENT_RETENTION_COUNT',
    RETENTION_LIMITS.count,
    200_000,
    'events kept in the event log (resume horizon), every event but traffic events',
  ),
  retentionSeconds: setting(
    'HDNS_EVENT_RETENTION',
    RETENTION_LIMITS.age,
    7 * 86_400,
    'event log retention (resume horizon) of every event but traffic events',
  ),
  trafficRetentionEvents: setting(
    'HDNS_TRAFFIC_EVENT_RETENTION_COUNT',
    RETENTION_LIMITS.count,
    100_000,
    'traffic events kept, in a pool of their own (see `HDNS_TRAFFIC_EVENT_RETENTION`)',
  ),
  trafficRetentionSeconds: setting(
    'HDNS_TRAFFIC_EVENT_RETENTION',
    RETENTION_LIMITS.age,
    86_400,
    'retention of traffic events, the ones DNS clients cause at will (`dns_query_log`, ' +
      '`query_stats`, `threat_detected`; `traffic` in the event catalogue), pruned apart: the ' +
      'live query stream (up to `HDNS_QUERY_LOG_MAX_EVENTS`/s) and RPZ hits (up to 50/s) never ' +
      'push zone, security or user events out, and a client subscribed to traffic events ' +
      'resumes only within this horizon',
  ),
  alertConnections: setting(
    'HDNS_WS_ALERT_CONNECTIONS',
    int(1, 10_000_000),
    10_000,
    'open WebSockets above which admins get a `health_alert`',
  ),
  alertQueueDepth: setting(
    'HDNS_WS_ALERT_QUEUE_DEPTH',
    int(1, 1_000_000_000),
    100_000,
    'events queued for all clients together above which admins get a `health_alert`',
  ),
  legacy: setting(
    'HDNS_LEGACY',
    oneOf(LEGACY_MODES),
    'warn',
    'the two WebSocket protocols v1 replaces (legacy routes): `on` accepts them quietly, ' +
      '`warn` accepts them with a deprecation notice on every connection, `off` accepts the ' +
      'upgrade and closes it at once, before checking any credential (1008, a reason naming ' +
      'the migration guide). Every accepted legacy connection, and every refused one whose ' +
      'URL token verifies, is recorded per user for the admin page; see ' +
      'docs/legacy-migration.md',
  ),
} satisfies SettingTree;
