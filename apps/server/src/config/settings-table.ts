import {
  addresses,
  autoOrBool,
  bool,
  chars,
  filePath,
  int,
  oneOf,
  origins,
  postgresUrl,
  proxies,
  seconds,
  text,
} from './setting-kinds.js';
import { optional, setting, type SettingTree } from './setting.js';
import { BIND_SETTINGS } from './settings-table-bind.js';
import { DETECTION_SETTINGS } from './settings-table-detection.js';
import { DNS_SETTINGS } from './settings-table-dns.js';
import { FEED_SETTINGS } from './settings-table-feeds.js';
import { ALERT_SETTINGS } from './settings-table-alerting.js';
import { QUERY_STORE_SETTINGS } from './settings-table-querystore.js';
import { REALTIME_SETTINGS } from './settings-table-realtime.js';

/**
 * Every setting, one row each (environment name, kind with limits, default, doc line), grouped
 * as the config object is. The parser, the `AppConfig` type, the error messages and the README's
 * settings table (`npm run docs`) all come from here. Doc lines are markdown for the README.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;

const LOGIN_WINDOW = 'within `HDNS_LOGIN_WINDOW`';

export const SETTINGS = {
  host: setting(
    'HDNS_HOST',
    text('host name or IP address'),
    '127.0.0.1',
    'address the HTTP and WebSocket server listens on',
  ),
  port: setting('HDNS_PORT', int(0, 65535), 8080, 'port of the HTTP and WebSocket server'),
  dataDir: setting(
    'HDNS_DATA_DIR',
    filePath(),
    './data',
    'SQLite files (`hdns.sqlite`, `events.sqlite`), the JWT secret, `bind/` (named.conf, zones, ' +
      'logs). Made 0700 (0711 when named runs as user bind, to reach `bind/`); databases, the JWT secret, the rndc key and the generated password ' +
      'file are 0600',
  ),
  databaseUrl: optional(
    'HDNS_DATABASE_URL',
    postgresUrl(),
    'PostgreSQL holding the app database (users, zones, records, audit log, outbox) instead ' +
      'of `<data>/hdns.sqlite`; the instances of one deployment share it. Migrations run at ' +
      'start; see docs/scaling.md',
    { secret: true },
  ),
  databaseIdleInTransactionTimeout: setting(
    'HDNS_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT',
    seconds(0, 3600),
    30,
    "PostgreSQL only: sent as each connection's `idle_in_transaction_session_timeout`, so a " +
      'transaction left open by a frozen or cut-off instance releases its locks (the BIND ' +
      'lease takeover waits for them). `0` sends nothing: for a pooler that refuses the ' +
      "parameter (PgBouncer's default), set it on the role instead (see docs/scaling.md)",
  ),
  adminPassword: optional(
    'HDNS_ADMIN_PASSWORD',
    chars(8, 1024),
    "the first admin's password, used on first start only; a generated one is printed only " +
      'when stdout is a terminal',
    { secret: true, defaultText: 'generated into `<data>/initial-admin-password` (0600)' },
  ),
  jwtSecret: optional('HDNS_JWT_SECRET', chars(32, 4096), 'HS256 key for access tokens', {
    secret: true,
    defaultText: 'generated into `<data>/jwt-secret` (0600)',
  }),
  logLevel: setting('HDNS_LOG_LEVEL', oneOf(LOG_LEVELS), 'info', 'level of the server log'),
  logFormat: setting(
    'HDNS_LOG_FORMAT',
    oneOf(LOG_FORMATS),
    'auto',
    '`json`: one JSON object per line (for journald, log shippers); `pretty`: coloured, readable ' +
      'lines (pino-pretty); `auto`: `pretty` when stdout is a terminal, `json` otherwise',
  ),
  accessTokenTtlSeconds: setting(
    'HDNS_ACCESS_TOKEN_TTL',
    seconds(10, 86_400),
    900,
    'lifetime of an access token',
  ),
  refreshTokenTtlSeconds: setting(
    'HDNS_REFRESH_TOKEN_TTL',
    seconds(60, 365 * 86_400),
    7 * 86_400,
    'lifetime of a refresh token (the login session)',
  ),
  allowedOrigins: setting(
    'HDNS_ALLOWED_ORIGINS',
    origins(),
    [],
    "extra browser origins (besides the server's own) allowed for cookies and `/ws`",
  ),
  cookieSecure: setting(
    'HDNS_COOKIE_SECURE',
    autoOrBool(),
    'auto',
    'the Secure flag of the refresh cookie; `auto` = on unless `HDNS_HOST` is loopback ' +
      '(browsers drop Secure cookies on plain http, which is how a loopback dev server runs)',
  ),
  trustedProxies: setting(
    'HDNS_TRUSTED_PROXIES',
    proxies(),
    [],
    'the reverse proxies (IPv4 or IPv6 addresses/CIDRs; `loopback`, `linklocal`, `uniquelocal` ' +
      'name groups) whose `X-Forwarded-For` is believed (and `X-Forwarded-Host`, which ' +
      'the Origin checks of REST and `/ws` then compare against); the client is the first ' +
      'untrusted hop from the right. Used alike by REST, `/ws`, limits and audit. Replaces ' +
      '`HDNS_TRUST_PROXY`, which is refused',
  ),
  rateLimit: {
    max: setting(
      'HDNS_RATE_LIMIT_MAX',
      int(1, 100_000_000),
      1000,
      'REST requests per `HDNS_RATE_LIMIT_WINDOW` per user, or per client address without a ' +
        'valid token; then 429 `RATE_LIMITED` with `Retry-After`. Probes, `/metrics` and the ' +
        'dashboard are not limited',
    ),
    windowSeconds: setting(
      'HDNS_RATE_LIMIT_WINDOW',
      seconds(1, 86_400),
      60,
      'window of the REST rate limit',
    ),
  },
  bodyLimitBytes: setting(
    'HDNS_BODY_LIMIT',
    int(1024, 100 * 1024 * 1024, 'bytes'),
    1024 * 1024,
    'largest accepted REST request body',
  ),
  login: {
    maxFailuresPerIp: setting(
      'HDNS_LOGIN_MAX_FAILURES_PER_IP',
      int(1, 100_000),
      20,
      `login attempts per client address ${LOGIN_WINDOW} before 429 \`TOO_MANY_ATTEMPTS\` ` +
        '(IPv6 counts per /64); attempts count as they start, a success does not count',
    ),
    maxFailuresPerIpUser: setting(
      'HDNS_LOGIN_MAX_FAILURES_PER_IP_USER',
      int(1, 10_000),
      5,
      `login attempts per (client address, username) ${LOGIN_WINDOW} before 429 ` +
        '`TOO_MANY_ATTEMPTS`; attempts count as they start, a success does not count and ' +
        'clears its (address, username) count',
    ),
    slowdownAfter: setting(
      'HDNS_LOGIN_SLOWDOWN_AFTER',
      int(1, 10_000),
      5,
      `per-username slow-down: attempts for one username from any address, ${LOGIN_WINDOW} ` +
        '(counted as they start; a success clears them), before its password checks are ' +
        'spaced on one schedule: each attempt takes the next free slot and pushes the ' +
        'following one back by 0.25 s, doubling per attempt, capped at ' +
        '`HDNS_LOGIN_SLOWDOWN_MAX`, so parallel guesses are checked one after another. There ' +
        'is no hard lock a stranger can trigger: the hard limits above stop only the ' +
        'offending address, and a username is only slowed, never locked (a flood from many ' +
        'addresses can keep its slots busy; the bound is in ' +
        '`apps/server/src/auth/login-limiter.ts`)',
    ),
    slowdownMaxSeconds: setting(
      'HDNS_LOGIN_SLOWDOWN_MAX',
      seconds(0, 300),
      10,
      'cap of the per-username slow-down (`0` = off). An attempt whose slot is more than this ' +
        'away is refused at once with 429 `TOO_MANY_ATTEMPTS` and `Retry-After` (audit reason ' +
        '`slowed_down`). Worst case for the right password with no competing guesses: ' +
        '2 × max + 1 s plus one password hash (21 s at the defaults)',
    ),
    windowSeconds: setting(
      'HDNS_LOGIN_WINDOW',
      seconds(1, 86_400),
      15 * 60,
      'sliding window of the login limits',
    ),
  },
  realtime: REALTIME_SETTINGS,
  bind: BIND_SETTINGS,
  dns: DNS_SETTINGS,
  queryStore: QUERY_STORE_SETTINGS,
  feeds: FEED_SETTINGS,
  alerting: ALERT_SETTINGS,
  monitors: {
    enabled: setting(
      'HDNS_MONITORS',
      bool(),
      true,
      'query-log, RPZ, forwarder, BIND and system monitors',
    ),
    systemMetricsSeconds: setting(
      'HDNS_SYSTEM_METRICS_INTERVAL',
      seconds(1, 86_400),
      30,
      'interval of the system metrics monitor',
    ),
    forwarderCheckSeconds: setting(
      'HDNS_FORWARDER_CHECK_INTERVAL',
      seconds(1, 86_400),
      10,
      'interval of the forwarder checks',
    ),
    secondaryCheckSeconds: setting(
      'HDNS_SECONDARY_CHECK_SECONDS',
      seconds(1, 86_400),
      10,
      'interval of the secondary checks: the SOA serial of every primary zone on our named and ' +
        'on every enabled secondary (`zone_sync`, `secondary_status`)',
    ),
    secondaryLagGraceSeconds: setting(
      'HDNS_SECONDARY_LAG_GRACE_SECONDS',
      seconds(0, 86_400),
      60,
      'how long a zone may be behind (or missing) on a secondary before the secondary is ' +
        '`lagging` (a warning) and the zone shows drift; a secondary silent for 3 checks is `failing`',
    ),
    bindStatusSeconds: setting(
      'HDNS_BIND_STATUS_INTERVAL',
      seconds(1, 86_400),
      10,
      'interval of the BIND status monitor',
    ),
    queryLogMaxEventsPerSec: setting(
      'HDNS_QUERY_LOG_MAX_EVENTS',
      int(1, 100_000),
      200,
      'live query-log events per second before the stream is sampled (and says so)',
    ),
    querySource: setting(
      'HDNS_QUERY_SOURCE',
      oneOf(['auto', 'dnstap', 'querylog'] as const),
      'auto',
      'where query facts come from: `dnstap` (rcode, answer, latency, transport; BIND built ' +
        'with --enable-dnstap), `querylog` (the text query log: the query only), `auto` = ' +
        'dnstap when `named -V` shows it. The choice and its reason are in `bind_status`',
    ),
    queryLogWithDnstap: setting(
      'HDNS_QUERY_LOG_WITH_DNSTAP',
      bool(),
      true,
      "keep named's text query log beside dnstap: each query shows in the live view within " +
        'milliseconds even on a quiet server, where dnstap arrives 1-2 s late, and is completed ' +
        'with its answer facts when they come (costs named some CPU: see docs/benchmarks.md)',
    ),
    queryLiveHoldMs: setting(
      'HDNS_QUERY_LIVE_HOLD_MS',
      int(0, 5000, 'ms'),
      40,
      'with both sources, how long a logged query waits for its dnstap facts before it is ' +
        'published alone (`partial`, completed later under the same `id`)',
    ),
    dnstapIdentity: optional(
      'HDNS_DNSTAP_IDENTITY',
      chars(1, 64),
      'the node name named stamps on its dnstap messages (`dnstap-identity`; default: the ' +
        'host name), shown as `node` on each query',
    ),
  },
  detection: DETECTION_SETTINGS,
  metricsAccess: {
    token: optional(
      'HDNS_METRICS_TOKEN',
      chars(16, 4096),
      'when set, `GET /metrics` needs `Authorization: Bearer <token>` (401 `UNAUTHORIZED` ' +
        'otherwise)',
      { secret: true },
    ),
    allow: setting(
      'HDNS_METRICS_ALLOW',
      addresses(),
      [],
      'client addresses/CIDRs allowed to read `/metrics` (403 `FORBIDDEN` from ' +
        'others); checked besides the token. With neither set, `/metrics` is open',
    ),
  },
  audit: {
    maxAgeSeconds: setting(
      'HDNS_AUDIT_RETENTION',
      seconds(3600, 3650 * 86_400),
      90 * 86_400,
      'audit log retention: rows older than this are pruned at start and every 10 minutes. ' +
        'Repeated failed logins, failed WebSocket authentications and replays of a revoked ' +
        'refresh token are kept as one row per address, username and minute with a count (at ' +
        'most 20 rows per address and 200 in all per minute)',
    ),
    maxRows: setting(
      'HDNS_AUDIT_RETENTION_COUNT',
      int(1000, 100_000_000),
      100_000,
      'audit log rows kept beyond which the oldest are pruned (at start and every 10 minutes)',
    ),
    maxFailureRows: setting(
      'HDNS_AUDIT_FAILURE_RETENTION_COUNT',
      int(1000, 100_000_000),
      50_000,
      'at most this many rows of unauthenticated failures (failed logins, failed WebSocket ' +
        'authentications, replays of a revoked refresh token) stay; they are counted and ' +
        'pruned among themselves, so a flood of them never pushes user changes, logins or ' +
        'other rows out of the audit log (those count only against ' +
        '`HDNS_AUDIT_RETENTION_COUNT`)',
    ),
  },
} satisfies SettingTree;
