import { parseSettings, type Env } from './config/parse-settings.js';
import { settingRows, type Parsed } from './config/setting.js';
import { LOG_LEVELS, SETTINGS } from './config/settings-table.js';

/**
 * Configuration comes from the environment, optionally layered over a JSON file named by
 * `HDNS_CONFIG` (same keys as the environment; the environment wins). Each setting is one row
 * of config/settings-table.ts; this file adds the rules that tie settings together.
 * Everything is validated at start so a bad setting fails fast with a message naming it.
 */

export { LOG_LEVELS };
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Environment names of every setting, in table order. */
export const SETTING_NAMES: readonly string[] = settingRows(SETTINGS).map((row) => row.env);

type Settings = Parsed<typeof SETTINGS>;

/** An existing BIND the app feeds (HDNS_BIND_MODE=system); see bind/system-bind.ts. */
export type SystemBindConfig = Omit<Settings['bind']['system'], 'dir'> & { dir: string };

export type BindConfig = Omit<Settings['bind'], 'system'> & {
  /** Set exactly when mode is system. */
  system: SystemBindConfig | null;
};

export type AppConfig = Omit<Settings, 'cookieSecure' | 'bind'> & {
  cookieSecure: boolean;
  bind: BindConfig;
};

/** Login brute-force limits (auth/login-limiter.ts). */
export type LoginLimits = AppConfig['login'];
/** The REST rate limit (http/rate-limit-plugin.ts): per user id, or per address when anonymous. */
export type RateLimitConfig = AppConfig['rateLimit'];
export type RealtimeConfig = AppConfig['realtime'];
export type MonitorSettings = AppConfig['monitors'];
/** Thresholds of the detectors over answered queries (monitors/query-detectors.ts). */
export type DetectionConfig = AppConfig['detection'];
/** Who may read /metrics; with neither set it is open (as a Prometheus target usually is). */
export type MetricsAccess = AppConfig['metricsAccess'];
/** The query store (querystore/): on or off, where, how much. */
export type QueryStoreConfig = AppConfig['queryStore'];
/** How long and how many audit rows are kept (audit/). */
export type AuditRetention = AppConfig['audit'];

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

export interface LoadConfigOptions {
  /** Base for relative paths (data dir, config file). Defaults to process.cwd(). */
  cwd?: string;
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Reads and validates the configuration. Throws ConfigError listing every problem at once.
 * Empty environment values count as unset (as compose files often leave them).
 */
export function loadConfig(env: Env = process.env, opts: LoadConfigOptions = {}): AppConfig {
  const cwd = opts.cwd ?? process.cwd();
  const parsed = parseSettings(SETTINGS, env, { cwd });
  if (!parsed.ok) throw new ConfigError(parsed.problems);
  const { cookieSecure, bind, ...rest } = parsed.values;
  const { system, ...managed } = bind;
  // Checked here rather than in the row: it depends on another setting.
  if (bind.mode === 'system' && system.dir === null) {
    throw new ConfigError([
      'HDNS_BIND_SYSTEM_DIR must be set when HDNS_BIND_MODE=system (a directory the app ' +
        'writes and named reads)',
    ]);
  }
  if (bind.lease) {
    const problems = [
      ...(rest.realtime.redisUrl === null
        ? ['HDNS_BIND_LEASE needs HDNS_REDIS_URL (the lease)']
        : []),
      ...(rest.databaseUrl === null
        ? ['HDNS_BIND_LEASE needs HDNS_DATABASE_URL (every instance renders zones from it)']
        : []),
      ...(rest.jwtSecret === null
        ? [
            'HDNS_BIND_LEASE needs HDNS_JWT_SECRET, the same on every instance (tokens, and the ' +
              'signature of the lease)',
          ]
        : []),
      ...(bind.mode === 'system'
        ? ['HDNS_BIND_LEASE works with a managed named only (HDNS_BIND_MODE managed, auto or off)']
        : []),
      ...(['0.0.0.0', '::', '[::]'].includes(rest.host) && bind.clusterUrl === null
        ? [
            'HDNS_BIND_LEASE with HDNS_HOST on every address needs HDNS_CLUSTER_URL (the ' +
              'address other instances reach this one at)',
          ]
        : []),
    ];
    if (problems.length) throw new ConfigError(problems);
  }
  return {
    ...rest,
    // Browsers drop Secure cookies on plain http, which is how a loopback dev server runs.
    cookieSecure: cookieSecure === 'auto' ? !isLoopback(rest.host) : cookieSecure,
    bind: {
      ...managed,
      system: bind.mode === 'system' && system.dir !== null ? { ...system, dir: system.dir } : null,
    },
  };
}
