import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { isAddressOrCidr } from './http/address-list.js';
import { parseTrustedProxies } from './http/trusted-proxies.js';

/**
 * Configuration comes from the environment, optionally layered over a JSON file named by
 * `HDNS_CONFIG` (same keys as the environment, e.g. `{"HDNS_PORT": 8053}`; the environment wins).
 * Everything is validated at start so a bad setting fails fast with a message naming it.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Login brute-force limits (auth/login-limiter.ts). Attempts count when they start; the hard
 * limits are per client address and per (address, username); a username hammered from many
 * addresses gets slower (each attempt waits, capped) but is never locked, so a stranger
 * cannot lock the admin out.
 */
export interface LoginLimits {
  /** Attempts per client address in the window before 429. */
  maxFailuresPerIp: number;
  /** Attempts per (client address, username) in the window before 429. */
  maxFailuresPerIpUser: number;
  /** Failed attempts per username (from any address) before each further one is delayed. */
  slowdownAfter: number;
  /** Cap of that delay; 0 turns the slow-down off. */
  slowdownMaxSeconds: number;
  windowSeconds: number;
}

/** The REST rate limit (http/rate-limit-plugin.ts): per user id, or per address when anonymous. */
export interface RateLimitConfig {
  max: number;
  windowSeconds: number;
}

export interface RealtimeConfig {
  /** Connections one user may hold at once; a newer one past it supersedes the oldest. */
  maxConnectionsPerUser: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  /** Connection attempts allowed per address per minute. */
  maxAttemptsPerIp: number;
  heartbeatSeconds: number;
  batchDelayMs: number;
  /** Event log retention (every event but traffic events). */
  retentionEvents: number;
  retentionSeconds: number;
  /**
   * Retention of traffic events (catalogue `traffic`: dns_query_log, query_stats,
   * threat_detected), a pool of their own so what DNS clients cause never pushes zone, security
   * and user events out of the history.
   */
  trafficRetentionEvents: number;
  trafficRetentionSeconds: number;
  /** health_alert to admins above these. */
  alertConnections: number;
  alertQueueDepth: number;
}

/** An existing BIND the app feeds (HDNS_BIND_MODE=system); see bind/system-bind.ts. */
export interface SystemBindConfig {
  /** Absolute; ours alone: zones/, hdns-zones.conf. named must be able to read it. */
  dir: string;
  /** Absolute path of the operator's rndc key file (e.g. /etc/bind/rndc.key). */
  rndcKeyFile: string;
  rndcHost: string;
  rndcPort: number;
  /** Where that named answers DNS (health checks only). */
  dnsPort: number;
  /** e.g. http://127.0.0.1:8053; null when the operator has no statistics channel. */
  statsUrl: string | null;
  /** Absolute paths of the operator's query / rpz log files, when they have them. */
  queryLog: string | null;
  rpzLog: string | null;
}

export interface BindConfig {
  /** auto: managed when named is installed, off otherwise. */
  mode: 'auto' | 'managed' | 'system' | 'off';
  dnsPort: number;
  rndcPort: number;
  statsPort: number;
  /** Set exactly when mode is system. */
  system: SystemBindConfig | null;
}

export interface MonitorSettings {
  enabled: boolean;
  systemMetricsSeconds: number;
  forwarderCheckSeconds: number;
  bindStatusSeconds: number;
  /** dns_query_log events per second before the live stream is sampled. */
  queryLogMaxEventsPerSec: number;
}

export interface AppConfig {
  host: string;
  port: number;
  /** Absolute path. */
  dataDir: string;
  /** Password of the first admin on first start; null → one is generated and printed once. */
  adminPassword: string | null;
  /** null → generated and kept in `<dataDir>/jwt-secret`. */
  jwtSecret: string | null;
  logLevel: LogLevel;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Origins (besides the server's own) allowed to use cookie-authenticated endpoints. */
  allowedOrigins: string[];
  cookieSecure: boolean;
  /**
   * Addresses/CIDRs of reverse proxies whose X-Forwarded-For is believed (HDNS_TRUSTED_PROXIES;
   * named groups already expanded). Empty: the socket peer is the client, whatever it sends.
   */
  trustedProxies: string[];
  rateLimit: RateLimitConfig;
  bodyLimitBytes: number;
  login: LoginLimits;
  realtime: RealtimeConfig;
  bind: BindConfig;
  monitors: MonitorSettings;
  metricsAccess: MetricsAccess;
  audit: AuditRetention;
}

/** Who may read /metrics; with neither set it is open (as a Prometheus target usually is). */
export interface MetricsAccess {
  /** When set, requests need `Authorization: Bearer <token>`. */
  token: string | null;
  /** When non-empty, only these client addresses/CIDRs; checked besides the token. */
  allow: string[];
}

/**
 * The audit log keeps rows this long and at most this many (oldest pruned first). Rows of
 * unauthenticated failures (which outsiders can cause) are counted and pruned apart, against
 * `maxFailureRows`, so they never push other rows out.
 */
export interface AuditRetention {
  maxAgeSeconds: number;
  maxRows: number;
  maxFailureRows: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid configuration: ${problems[0] ?? ''}`
        : `Invalid configuration (${problems.length} problems):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

function toInt(value: unknown): unknown {
  return typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
}

/** Seconds as an integer, or a string such as "900", "15m", "12h", "7d". */
function toSeconds(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const match = /^\s*(\d+)\s*([smhd]?)\s*$/.exec(value);
  if (!match) return value;
  return Number(match[1]) * (DURATION_UNITS[match[2] || 's'] ?? 1);
}

function toBool(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
}

const int = (min: number, max: number) => z.preprocess(toInt, z.number().int().min(min).max(max));
const seconds = (min: number, max: number) =>
  z.preprocess(toSeconds, z.number().int().min(min).max(max));
const bool = () => z.preprocess(toBool, z.boolean());

function safeProtocol(value: string): string {
  try {
    return new URL(value).protocol;
  } catch {
    return '';
  }
}

function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

const origins = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim().replace(/\/+$/, ''))
          .filter((s) => s.length > 0)
      : value,
  z.array(z.string().refine(isOrigin)),
);

/** Comma-separated addresses and CIDRs (HDNS_METRICS_ALLOW). */
const addressList = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : value,
  z.array(z.string().refine(isAddressOrCidr)),
);

const RAW = z.object({
  HDNS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  HDNS_PORT: int(0, 65535).default(8080),
  HDNS_DATA_DIR: z.string().trim().min(1).default('./data'),
  HDNS_ADMIN_PASSWORD: z.string().min(8).max(1024).optional(),
  HDNS_JWT_SECRET: z.string().min(32).max(4096).optional(),
  HDNS_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  HDNS_ACCESS_TOKEN_TTL: seconds(10, 86_400).default(900),
  HDNS_REFRESH_TOKEN_TTL: seconds(60, 365 * 86_400).default(7 * 86_400),
  HDNS_ALLOWED_ORIGINS: origins.default([]),
  HDNS_COOKIE_SECURE: z.union([z.literal('auto'), bool()]).default('auto'),
  HDNS_TRUSTED_PROXIES: z
    .string()
    .refine((v) => parseTrustedProxies(v).ok)
    .default(''),
  HDNS_BODY_LIMIT: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  HDNS_LOGIN_MAX_FAILURES_PER_IP: int(1, 100_000).default(20),
  HDNS_LOGIN_MAX_FAILURES_PER_IP_USER: int(1, 10_000).default(5),
  HDNS_LOGIN_SLOWDOWN_AFTER: int(1, 10_000).default(5),
  HDNS_LOGIN_SLOWDOWN_MAX: seconds(0, 300).default(10),
  HDNS_LOGIN_WINDOW: seconds(1, 86_400).default(15 * 60),
  HDNS_RATE_LIMIT_MAX: int(1, 100_000_000).default(1000),
  HDNS_RATE_LIMIT_WINDOW: seconds(1, 86_400).default(60),
  HDNS_WS_MAX_PER_USER: int(1, 100).default(1),
  HDNS_WS_MAX_CONNECTIONS: int(1, 1_000_000).default(20_000),
  HDNS_WS_MAX_PER_IP: int(1, 1_000_000).default(20_000),
  HDNS_WS_MAX_ATTEMPTS_PER_IP: int(1, 10_000_000).default(60_000),
  HDNS_WS_HEARTBEAT: seconds(1, 3600).default(25),
  HDNS_WS_BATCH_DELAY_MS: int(0, 5000).default(20),
  HDNS_EVENT_RETENTION_COUNT: int(100, 100_000_000).default(200_000),
  HDNS_EVENT_RETENTION: seconds(60, 3650 * 86_400).default(7 * 86_400),
  HDNS_TRAFFIC_EVENT_RETENTION_COUNT: int(100, 100_000_000).default(100_000),
  HDNS_TRAFFIC_EVENT_RETENTION: seconds(60, 3650 * 86_400).default(86_400),
  HDNS_WS_ALERT_CONNECTIONS: int(1, 10_000_000).default(10_000),
  HDNS_WS_ALERT_QUEUE_DEPTH: int(1, 1_000_000_000).default(100_000),
  HDNS_BIND_MODE: z.enum(['auto', 'managed', 'system', 'off']).default('auto'),
  HDNS_BIND_DNS_PORT: int(1, 65535).default(5300),
  HDNS_BIND_RNDC_PORT: int(1, 65535).default(9530),
  HDNS_BIND_STATS_PORT: int(1, 65535).default(8530),
  HDNS_BIND_SYSTEM_DIR: z.string().trim().min(1).optional(),
  HDNS_BIND_SYSTEM_RNDC_KEY: z.string().trim().min(1).default('/etc/bind/rndc.key'),
  HDNS_BIND_SYSTEM_RNDC_HOST: z.string().trim().min(1).default('127.0.0.1'),
  HDNS_BIND_SYSTEM_RNDC_PORT: int(1, 65535).default(953),
  HDNS_BIND_SYSTEM_DNS_PORT: int(1, 65535).default(53),
  HDNS_BIND_SYSTEM_STATS_URL: z
    .string()
    .trim()
    .refine((v) => /^https?:$/.test(safeProtocol(v)))
    .optional(),
  HDNS_BIND_SYSTEM_QUERY_LOG: z.string().trim().min(1).optional(),
  HDNS_BIND_SYSTEM_RPZ_LOG: z.string().trim().min(1).optional(),
  HDNS_MONITORS: bool().default(true),
  HDNS_SYSTEM_METRICS_INTERVAL: seconds(1, 86_400).default(30),
  HDNS_FORWARDER_CHECK_INTERVAL: seconds(1, 86_400).default(10),
  HDNS_BIND_STATUS_INTERVAL: seconds(1, 86_400).default(10),
  HDNS_QUERY_LOG_MAX_EVENTS: int(1, 100_000).default(200),
  HDNS_METRICS_TOKEN: z.string().min(16).max(4096).optional(),
  HDNS_METRICS_ALLOW: addressList.default([]),
  HDNS_AUDIT_RETENTION: seconds(3600, 3650 * 86_400).default(90 * 86_400),
  HDNS_AUDIT_RETENTION_COUNT: int(1000, 100_000_000).default(100_000),
  HDNS_AUDIT_FAILURE_RETENTION_COUNT: int(1000, 100_000_000).default(50_000),
});

type SettingName = keyof typeof RAW.shape;
export const SETTING_NAMES = Object.keys(RAW.shape) as SettingName[];

/** What each setting must be, for error messages ("HDNS_PORT must be …"). */
const MUST: Record<SettingName, string> = {
  HDNS_HOST: 'must be a non-empty host name or IP address',
  HDNS_PORT: 'must be an integer between 0 and 65535',
  HDNS_DATA_DIR: 'must be a non-empty path',
  HDNS_ADMIN_PASSWORD: 'must be between 8 and 1024 characters long',
  HDNS_JWT_SECRET: 'must be at least 32 characters long',
  HDNS_LOG_LEVEL: `must be one of ${LOG_LEVELS.join(', ')}`,
  HDNS_ACCESS_TOKEN_TTL: 'must be a duration between 10s and 24h (seconds, or with s/m/h/d)',
  HDNS_REFRESH_TOKEN_TTL: 'must be a duration between 60s and 365d (seconds, or with s/m/h/d)',
  HDNS_ALLOWED_ORIGINS: 'must be a comma-separated list of origins like https://dns.example.com',
  HDNS_COOKIE_SECURE: 'must be auto, true or false',
  HDNS_TRUSTED_PROXIES:
    'must be a comma-separated list of addresses or CIDRs (or loopback, linklocal, uniquelocal)',
  HDNS_BODY_LIMIT: 'must be an integer number of bytes between 1024 and 104857600',
  HDNS_LOGIN_MAX_FAILURES_PER_IP: 'must be an integer between 1 and 100000',
  HDNS_LOGIN_MAX_FAILURES_PER_IP_USER: 'must be an integer between 1 and 10000',
  HDNS_LOGIN_SLOWDOWN_AFTER: 'must be an integer between 1 and 10000',
  HDNS_LOGIN_SLOWDOWN_MAX: 'must be a duration between 0s and 5m (seconds, or with s/m/h/d)',
  HDNS_LOGIN_WINDOW: 'must be a duration between 1s and 24h (seconds, or with s/m/h/d)',
  HDNS_RATE_LIMIT_MAX: 'must be an integer between 1 and 100000000',
  HDNS_RATE_LIMIT_WINDOW: 'must be a duration between 1s and 24h (seconds, or with s/m/h/d)',
  HDNS_WS_MAX_PER_USER: 'must be an integer between 1 and 100',
  HDNS_WS_MAX_CONNECTIONS: 'must be an integer between 1 and 1000000',
  HDNS_WS_MAX_PER_IP: 'must be an integer between 1 and 1000000',
  HDNS_WS_MAX_ATTEMPTS_PER_IP: 'must be an integer between 1 and 10000000',
  HDNS_WS_HEARTBEAT: 'must be a duration between 1s and 1h (seconds, or with s/m/h/d)',
  HDNS_WS_BATCH_DELAY_MS: 'must be an integer number of milliseconds between 0 and 5000',
  HDNS_EVENT_RETENTION_COUNT: 'must be an integer between 100 and 100000000',
  HDNS_EVENT_RETENTION: 'must be a duration between 60s and 3650d (seconds, or with s/m/h/d)',
  HDNS_TRAFFIC_EVENT_RETENTION_COUNT: 'must be an integer between 100 and 100000000',
  HDNS_TRAFFIC_EVENT_RETENTION:
    'must be a duration between 60s and 3650d (seconds, or with s/m/h/d)',
  HDNS_WS_ALERT_CONNECTIONS: 'must be an integer between 1 and 10000000',
  HDNS_WS_ALERT_QUEUE_DEPTH: 'must be an integer between 1 and 1000000000',
  HDNS_BIND_MODE: 'must be auto, managed, system or off',
  HDNS_BIND_DNS_PORT: 'must be an integer between 1 and 65535',
  HDNS_BIND_RNDC_PORT: 'must be an integer between 1 and 65535',
  HDNS_BIND_STATS_PORT: 'must be an integer between 1 and 65535',
  HDNS_BIND_SYSTEM_DIR: 'must be a non-empty path (required when HDNS_BIND_MODE=system)',
  HDNS_BIND_SYSTEM_RNDC_KEY: 'must be a non-empty path to the rndc key file',
  HDNS_BIND_SYSTEM_RNDC_HOST: 'must be a non-empty host name or IP address',
  HDNS_BIND_SYSTEM_RNDC_PORT: 'must be an integer between 1 and 65535',
  HDNS_BIND_SYSTEM_DNS_PORT: 'must be an integer between 1 and 65535',
  HDNS_BIND_SYSTEM_STATS_URL: 'must be an http(s) URL such as http://127.0.0.1:8053',
  HDNS_BIND_SYSTEM_QUERY_LOG: 'must be a non-empty path',
  HDNS_BIND_SYSTEM_RPZ_LOG: 'must be a non-empty path',
  HDNS_MONITORS: 'must be true or false',
  HDNS_SYSTEM_METRICS_INTERVAL: 'must be a duration between 1s and 24h (seconds, or with s/m/h/d)',
  HDNS_FORWARDER_CHECK_INTERVAL: 'must be a duration between 1s and 24h (seconds, or with s/m/h/d)',
  HDNS_BIND_STATUS_INTERVAL: 'must be a duration between 1s and 24h (seconds, or with s/m/h/d)',
  HDNS_QUERY_LOG_MAX_EVENTS: 'must be an integer between 1 and 100000',
  HDNS_METRICS_TOKEN: 'must be between 16 and 4096 characters long',
  HDNS_METRICS_ALLOW: 'must be a comma-separated list of addresses or CIDRs like 10.0.0.0/8',
  HDNS_AUDIT_RETENTION: 'must be a duration between 1h and 3650d (seconds, or with s/m/h/d)',
  HDNS_AUDIT_RETENTION_COUNT: 'must be an integer between 1000 and 100000000',
  HDNS_AUDIT_FAILURE_RETENTION_COUNT: 'must be an integer between 1000 and 100000000',
};

/** Secrets are never echoed back in error messages. */
const SECRET: ReadonlySet<SettingName> = new Set([
  'HDNS_ADMIN_PASSWORD',
  'HDNS_JWT_SECRET',
  'HDNS_METRICS_TOKEN',
]);

function isSettingName(key: string): key is SettingName {
  return Object.hasOwn(RAW.shape, key);
}

/**
 * Settings that no longer exist and would be dangerous to ignore silently, each with what to
 * use instead. A value that asks for nothing the new settings would not give anyway (e.g.
 * HDNS_TRUST_PROXY=false) is accepted, so an old compose file keeps starting.
 */
const REMOVED: Readonly<Record<string, { harmless: (value: unknown) => boolean; use: string }>> = {
  HDNS_TRUST_PROXY: {
    harmless: (value) => toBool(value) === false,
    use:
      'it trusted X-Forwarded-For from anyone, so a client could pick its own address. ' +
      'Set HDNS_TRUSTED_PROXIES to the addresses or CIDRs of your reverse proxies instead ' +
      '(e.g. HDNS_TRUSTED_PROXIES=127.0.0.1 when the proxy runs on this host)',
  },
  HDNS_LOGIN_MAX_FAILURES_PER_USER: {
    harmless: () => false,
    use:
      'a username is no longer locked (a stranger could lock the admin out). Use ' +
      'HDNS_LOGIN_MAX_FAILURES_PER_IP_USER for the per-(address, username) limit and ' +
      'HDNS_LOGIN_SLOWDOWN_AFTER / HDNS_LOGIN_SLOWDOWN_MAX for the per-username slow-down',
  },
};

function removedSettingProblem(name: string, value: unknown): string | null {
  const removed = Object.hasOwn(REMOVED, name) ? REMOVED[name] : undefined;
  if (!removed || removed.harmless(value)) return null;
  return `${name} was removed: ${removed.use}`;
}

function trustedProxyEntries(list: string): string[] {
  const parsed = parseTrustedProxies(list);
  return parsed.ok ? parsed.entries : [];
}

function describeValue(name: SettingName, value: unknown): string {
  if (SECRET.has(name)) {
    return typeof value === 'string'
      ? `got a value of ${value.length} characters`
      : 'got a non-string';
  }
  return `got ${JSON.stringify(value) ?? String(value)}`;
}

export interface LoadConfigOptions {
  /** Base for relative paths (data dir, config file). Defaults to process.cwd(). */
  cwd?: string;
}

function readConfigFile(file: string, problems: string[]): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    problems.push(`HDNS_CONFIG file ${file} could not be read as JSON (${reason})`);
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(`HDNS_CONFIG file ${file} must contain a JSON object`);
    return {};
  }
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const removed = removedSettingProblem(key, value);
    if (removed !== null) problems.push(removed);
    else if (isSettingName(key)) values[key] = value;
    else if (!Object.hasOwn(REMOVED, key))
      problems.push(`HDNS_CONFIG file ${file} has an unknown setting ${JSON.stringify(key)}`);
  }
  return values;
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Reads and validates the configuration. Throws ConfigError listing every problem at once.
 * Empty environment values count as unset (as compose files often leave them).
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  opts: LoadConfigOptions = {},
): AppConfig {
  const cwd = opts.cwd ?? process.cwd();
  const problems: string[] = [];
  const configFile = env.HDNS_CONFIG?.trim();
  const raw: Record<string, unknown> = configFile
    ? readConfigFile(path.resolve(cwd, configFile), problems)
    : {};
  for (const name of Object.keys(REMOVED)) {
    const value = env[name];
    const removed = value === undefined || value === '' ? null : removedSettingProblem(name, value);
    if (removed !== null) problems.push(removed);
  }
  for (const name of SETTING_NAMES) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }

  const result = RAW.safeParse(raw);
  if (!result.success) {
    const seen = new Set<string>();
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '');
      if (!isSettingName(key) || seen.has(key)) continue;
      seen.add(key);
      problems.push(`${key} ${MUST[key]} (${describeValue(key, raw[key])})`);
    }
  }
  if (problems.length > 0 || !result.success) {
    throw new ConfigError(problems.length > 0 ? problems : ['unknown validation failure']);
  }

  const v = result.data;
  // Checked here rather than in the schema: it depends on another setting.
  if (v.HDNS_BIND_MODE === 'system' && v.HDNS_BIND_SYSTEM_DIR === undefined) {
    throw new ConfigError([
      'HDNS_BIND_SYSTEM_DIR must be set when HDNS_BIND_MODE=system (a directory the app ' +
        'writes and named reads)',
    ]);
  }
  const abs = (p: string | undefined): string | null => (p ? path.resolve(cwd, p) : null);
  return {
    host: v.HDNS_HOST,
    port: v.HDNS_PORT,
    dataDir: path.resolve(cwd, v.HDNS_DATA_DIR),
    adminPassword: v.HDNS_ADMIN_PASSWORD ?? null,
    jwtSecret: v.HDNS_JWT_SECRET ?? null,
    logLevel: v.HDNS_LOG_LEVEL,
    accessTokenTtlSeconds: v.HDNS_ACCESS_TOKEN_TTL,
    refreshTokenTtlSeconds: v.HDNS_REFRESH_TOKEN_TTL,
    allowedOrigins: v.HDNS_ALLOWED_ORIGINS,
    // Browsers drop Secure cookies on plain http, which is how a loopback dev server runs.
    cookieSecure: v.HDNS_COOKIE_SECURE === 'auto' ? !isLoopback(v.HDNS_HOST) : v.HDNS_COOKIE_SECURE,
    trustedProxies: trustedProxyEntries(v.HDNS_TRUSTED_PROXIES),
    rateLimit: { max: v.HDNS_RATE_LIMIT_MAX, windowSeconds: v.HDNS_RATE_LIMIT_WINDOW },
    bodyLimitBytes: v.HDNS_BODY_LIMIT,
    login: {
      maxFailuresPerIp: v.HDNS_LOGIN_MAX_FAILURES_PER_IP,
      maxFailuresPerIpUser: v.HDNS_LOGIN_MAX_FAILURES_PER_IP_USER,
      slowdownAfter: v.HDNS_LOGIN_SLOWDOWN_AFTER,
      slowdownMaxSeconds: v.HDNS_LOGIN_SLOWDOWN_MAX,
      windowSeconds: v.HDNS_LOGIN_WINDOW,
    },
    realtime: {
      maxConnectionsPerUser: v.HDNS_WS_MAX_PER_USER,
      maxConnections: v.HDNS_WS_MAX_CONNECTIONS,
      maxConnectionsPerIp: v.HDNS_WS_MAX_PER_IP,
      maxAttemptsPerIp: v.HDNS_WS_MAX_ATTEMPTS_PER_IP,
      heartbeatSeconds: v.HDNS_WS_HEARTBEAT,
      batchDelayMs: v.HDNS_WS_BATCH_DELAY_MS,
      retentionEvents: v.HDNS_EVENT_RETENTION_COUNT,
      retentionSeconds: v.HDNS_EVENT_RETENTION,
      trafficRetentionEvents: v.HDNS_TRAFFIC_EVENT_RETENTION_COUNT,
      trafficRetentionSeconds: v.HDNS_TRAFFIC_EVENT_RETENTION,
      alertConnections: v.HDNS_WS_ALERT_CONNECTIONS,
      alertQueueDepth: v.HDNS_WS_ALERT_QUEUE_DEPTH,
    },
    bind: {
      mode: v.HDNS_BIND_MODE,
      dnsPort: v.HDNS_BIND_DNS_PORT,
      rndcPort: v.HDNS_BIND_RNDC_PORT,
      statsPort: v.HDNS_BIND_STATS_PORT,
      system:
        v.HDNS_BIND_MODE === 'system' && v.HDNS_BIND_SYSTEM_DIR !== undefined
          ? {
              dir: path.resolve(cwd, v.HDNS_BIND_SYSTEM_DIR),
              rndcKeyFile: path.resolve(cwd, v.HDNS_BIND_SYSTEM_RNDC_KEY),
              rndcHost: v.HDNS_BIND_SYSTEM_RNDC_HOST,
              rndcPort: v.HDNS_BIND_SYSTEM_RNDC_PORT,
              dnsPort: v.HDNS_BIND_SYSTEM_DNS_PORT,
              statsUrl: v.HDNS_BIND_SYSTEM_STATS_URL?.replace(/\/+$/, '') ?? null,
              queryLog: abs(v.HDNS_BIND_SYSTEM_QUERY_LOG),
              rpzLog: abs(v.HDNS_BIND_SYSTEM_RPZ_LOG),
            }
          : null,
    },
    monitors: {
      enabled: v.HDNS_MONITORS,
      systemMetricsSeconds: v.HDNS_SYSTEM_METRICS_INTERVAL,
      forwarderCheckSeconds: v.HDNS_FORWARDER_CHECK_INTERVAL,
      bindStatusSeconds: v.HDNS_BIND_STATUS_INTERVAL,
      queryLogMaxEventsPerSec: v.HDNS_QUERY_LOG_MAX_EVENTS,
    },
    metricsAccess: { token: v.HDNS_METRICS_TOKEN ?? null, allow: v.HDNS_METRICS_ALLOW },
    audit: {
      maxAgeSeconds: v.HDNS_AUDIT_RETENTION,
      maxRows: v.HDNS_AUDIT_RETENTION_COUNT,
      maxFailureRows: v.HDNS_AUDIT_FAILURE_RETENTION_COUNT,
    },
  };
}
