import type { RecordType } from 'dns-packet';
import type { BurstOptions } from './burst-detector.js';
import type { HealthPolicy } from './forwarder-state.js';

/**
 * Every knob of the monitors, as one plain object with defaults (the app maps env vars onto
 * it). A monitor whose section says `enabled: false`, or whose inputs are missing (no log path,
 * no forwarder list, no BIND adapter), is not started.
 */

export interface MonitorsConfig {
  queryLog: {
    enabled: boolean;
    /** BIND's query log (managed mode: `bindLayout(dir).queryLog`). */
    path: string | null;
    from: 'end' | 'start';
    pollIntervalMs: number;
    /** dns_query_log cap; above it the stream is sampled. */
    maxEventsPerSec: number;
    statsIntervalMs: number;
    statsWindowsSec: number[];
    topN: number;
    maxKeysPerSecond: number;
    /** Lines parsed per second for query_stats before those counts become estimates. */
    parseCapPerSec: number;
    /** With dnstap and the text log both read: the merge hold (see query-merger.ts). */
    mergeHoldMs: number;
  };
  rpzLog: {
    enabled: boolean;
    path: string | null;
    from: 'end' | 'start';
    pollIntervalMs: number;
    /** Response-policy zones, stripped from `via` names to get the rule. */
    policyZones: string[];
    maxEventsPerSec: number;
    burst: BurstOptions;
  };
  forwarders: {
    enabled: boolean;
    intervalMs: number;
    timeoutMs: number;
    probeName: string;
    probeType: RecordType;
    policy: HealthPolicy;
  };
  system: {
    enabled: boolean;
    intervalSec: number;
    /** Filesystem whose usage is reported (the data directory). */
    diskPath: string;
    thresholds: { cpu: number | null; memory: number | null; disk: number | null };
  };
  bind: {
    enabled: boolean;
    intervalMs: number;
    managed: boolean;
  };
}

export const DEFAULT_MONITORS_CONFIG: MonitorsConfig = {
  queryLog: {
    enabled: true,
    path: null,
    from: 'end',
    // A stat() every 25 ms is cheap and keeps the live view's delay small (was 250 ms).
    pollIntervalMs: 25,
    maxEventsPerSec: 200,
    statsIntervalMs: 1000,
    statsWindowsSec: [1, 60],
    topN: 10,
    maxKeysPerSecond: 1000,
    parseCapPerSec: 20_000,
    mergeHoldMs: 40,
  },
  rpzLog: {
    enabled: true,
    path: null,
    from: 'end',
    pollIntervalMs: 250,
    policyZones: ['rpz.local'],
    maxEventsPerSec: 50,
    burst: { threshold: 20, criticalThreshold: 100, windowMs: 60_000, cooldownMs: 300_000 },
  },
  forwarders: {
    enabled: true,
    intervalMs: 10_000,
    timeoutMs: 2000,
    probeName: '.',
    probeType: 'NS',
    policy: { slowMs: 200, downAfter: 3, window: 10, minSuccessRate: 0.9 },
  },
  system: {
    enabled: true,
    intervalSec: 30,
    diskPath: '.',
    thresholds: { cpu: 90, memory: 90, disk: 90 },
  },
  bind: { enabled: true, intervalMs: 10_000, managed: true },
};

type Section<K extends keyof MonitorsConfig> = MonitorsConfig[K];
type PartialSection<T> = {
  [P in keyof T]?: T[P] extends unknown[] ? T[P] : T[P] extends object ? Partial<T[P]> : T[P];
};

/** Sections and their nested objects (burst, policy, thresholds) may be given in part. */
export type MonitorsConfigInput = { [K in keyof MonitorsConfig]?: PartialSection<Section<K>> };

function mergeSection<T extends object>(base: T, patch: PartialSection<T> | undefined): T {
  if (!patch) return { ...base };
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] =
      current !== null &&
      typeof current === 'object' &&
      !Array.isArray(current) &&
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value)
        ? { ...current, ...value }
        : value;
  }
  return out as T;
}

export function resolveMonitorsConfig(input: MonitorsConfigInput = {}): MonitorsConfig {
  const d = DEFAULT_MONITORS_CONFIG;
  return {
    queryLog: mergeSection(d.queryLog, input.queryLog),
    rpzLog: mergeSection(d.rpzLog, input.rpzLog),
    forwarders: mergeSection(d.forwarders, input.forwarders),
    system: mergeSection(d.system, input.system),
    bind: mergeSection(d.bind, input.bind),
  };
}
