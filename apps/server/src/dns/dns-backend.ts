import type { DnsServerSettings } from '@hdns/protocol/rest';
import type {
  FeedZoneSpec,
  ForwarderSpec,
  PolicyZonesSpec,
  RecordSpec,
  ReplicationSpec,
  RpzRuleSpec,
  ZoneSpec,
} from './dns-specs.js';

/**
 * Everything BIND should serve, as the database holds it: the start-up resync (and a supervised
 * named's restart) renders all of it, so a crash between "BIND applied" and "database stored"
 * heals from the truth.
 */
export interface DnsState {
  zones: { zone: ZoneSpec; records: readonly RecordSpec[] }[];
  forwarders: readonly ForwarderSpec[];
  rpzRules?: readonly RpzRuleSpec[];
  /** How named serves the network (managed mode renders it; absent: the defaults). */
  server?: DnsServerSettings;
  /** TSIG keys, secondaries, the catalog zone (managed mode renders it; absent: none). */
  replication?: ReplicationSpec;
  /** The allowlist and the feeds' policy zones (managed mode; absent: an empty allowlist). */
  policyZones?: PolicyZonesSpec;
}

/** Reads DnsState from the database (dns-state.ts); called at start and before every restart. */
export type DnsStateSource = () => DnsState | Promise<DnsState>;

export interface ApplyResult {
  /** Serial BIND confirmed; null for forward zones or when there is no BIND. */
  serial: number | null;
  durationMs: number;
}

/**
 * Where DNS data goes after validation: a real BIND (managed or system mode) or nowhere (off).
 * Every method either applies the change completely, with BIND serving the new data, or throws
 * (ZONE_CHECK_FAILED, BIND_RELOAD_FAILED, BIND_UNAVAILABLE) leaving what BIND serves unchanged.
 */
export interface DnsBackend {
  readonly mode: 'managed' | 'system' | 'off';
  /** The serial BIND last confirmed for a zone, if it knows one. */
  appliedSerial(zone: string): number | undefined;
  applyZone(zone: ZoneSpec, records: readonly RecordSpec[]): Promise<ApplyResult>;
  /**
   * Puts a zone back to exactly this version, which the database holds, after a change BIND
   * already serves could not be stored. Unlike applyZone its serial may be lower than the one
   * served (the database's).
   */
  restoreZone(zone: ZoneSpec, records: readonly RecordSpec[]): Promise<void>;
  removeZone(zone: string): Promise<void>;
  /**
   * `restore`: the list the database holds, put back after a change BIND already serves could
   * not be stored (like restoreZone).
   */
  setForwarders(forwarders: readonly ForwarderSpec[], opts?: { restore?: boolean }): Promise<void>;
  /**
   * How named serves the network (listeners, ACLs, recursion, validation, rate limiting), in
   * managed mode; stored only elsewhere. `restore` as for setForwarders.
   */
  setServerSettings(settings: DnsServerSettings, opts?: { restore?: boolean }): Promise<void>;
  /**
   * TSIG keys, the secondaries fed and the catalog zone, in managed mode (system mode: the
   * operator's named.conf). `restore` as for setForwarders.
   */
  setReplication(spec: ReplicationSpec, opts?: { restore?: boolean }): Promise<void>;
  applyRpz(rules: readonly RpzRuleSpec[]): Promise<ApplyResult>;
  /** Like restoreZone, for the rules the database holds. */
  restoreRpz(rules: readonly RpzRuleSpec[]): Promise<void>;
  /**
   * The allowlist zone (rpz-passthru, evaluated before every other policy zone) from these
   * names; reloads that zone only. Managed mode; elsewhere stored only.
   */
  setAllowlist(domains: readonly string[]): Promise<void>;
  /**
   * The feed zones named evaluates, in this order after the manual zone: installs the files of
   * new ones and reconfigures when the set or order changed (nothing when it did not).
   */
  setFeedZones(feeds: readonly FeedZoneSpec[]): Promise<void>;
  /** Installs a feed zone's new file and reloads that zone only (serial confirmed). */
  reloadFeedZone(feed: FeedZoneSpec): Promise<ApplyResult>;
}

/** BIND management off: data is stored and events flow, nothing is served. */
export const offBackend: DnsBackend = {
  mode: 'off',
  appliedSerial: () => undefined,
  applyZone: () => Promise.resolve({ serial: null, durationMs: 0 }),
  restoreZone: () => Promise.resolve(),
  removeZone: () => Promise.resolve(),
  setForwarders: () => Promise.resolve(),
  setServerSettings: () => Promise.resolve(),
  setReplication: () => Promise.resolve(),
  applyRpz: () => Promise.resolve({ serial: null, durationMs: 0 }),
  restoreRpz: () => Promise.resolve(),
  setAllowlist: () => Promise.resolve(),
  setFeedZones: () => Promise.resolve(),
  reloadFeedZone: () => Promise.resolve({ serial: null, durationMs: 0 }),
};
