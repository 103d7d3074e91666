/**
 * Plain data the DNS services hand to a DnsBackend (dns-backend.ts), which renders it (the BIND
 * adapter in bind/). The services build these from their database rows; nothing here knows about
 * SQL, HTTP, events or BIND's files. Names follow zone-file semantics throughout:
 * `@` is the zone apex, a trailing dot makes a name absolute, anything else is relative to the
 * zone (so `mail` in zone `example.com` means `mail.example.com.`).
 */

import type { RecordType } from '@hdns/protocol/rest';

export { RECORD_TYPES, type RecordType } from '@hdns/protocol/rest';

export interface SoaSpec {
  /** Primary name server, e.g. `ns1.example.com.` (relative names are completed with the zone). */
  mname: string;
  /** Responsible mailbox, either zone-file form `hostmaster.example.com.` or `admin@example.com`. */
  rname: string;
  refresh: number;
  retry: number;
  expire: number;
  /** Negative-caching TTL (RFC 2308). */
  minimum: number;
}

export type ForwardPolicy = 'only' | 'first';

export interface ZoneSpec {
  /** Zone name without trailing dot, e.g. `example.com` or `1.168.192.in-addr.arpa`. */
  name: string;
  type: 'primary' | 'forward' | 'secondary';
  /** Primary zones only; defaults are documented in zone-file-serializer.ts. */
  soa?: SoaSpec;
  /** `$TTL` of the zone file, used by records without their own ttl. */
  defaultTtl: number;
  /** SOA serial to publish; compute it with `nextSerial()` and store it with the zone. */
  serial: number;
  /** Forward zones: `ip` or `ip#port` (rendered as BIND's `ip port N`). */
  forwarders?: string[];
  /** Forward zones; default `only`. */
  forwardPolicy?: ForwardPolicy;
  /**
   * Primary zones: sign with this `dnssec-policy` (`default` = BIND's built-in one, or a
   * policy named in the server settings), inline, keys under the data dir. Null/absent: unsigned.
   */
  dnssecPolicy?: string | null;
  /** Secondary zones: where the zone is pulled from, `ip` or `ip#port`. */
  primaries?: string[];
  /** Secondary zones: the TSIG key (ReplicationSpec.keys) transfers use; null/absent: none. */
  tsigKeyName?: string | null;
}

/** A TSIG key named.conf defines (`key "name" { algorithm …; secret "…"; };`). */
export interface TsigKeySpec {
  name: string;
  algorithm: string;
  /** Base64. */
  secret: string;
}

/** A server that transfers our primary zones: notified, and allowed to transfer. */
export interface SecondarySpec {
  address: string;
  port: number;
  /** The TSIG key it transfers with; null: its address alone is allowed. */
  keyName: string | null;
}

/**
 * Replication as named.conf renders it: every key (secondaries and secondary zones use them by
 * name), the enabled secondaries, and the catalog zone (RFC 9432 v2) listing every primary zone,
 * so a secondary configured once with `catalog-zones` provisions each new zone by itself.
 */
export interface ReplicationSpec {
  keys: TsigKeySpec[];
  secondaries: SecondarySpec[];
  /** Null: no catalog zone. */
  catalogZone: string | null;
}

/**
 * One resource record. `value` is the record's main datum:
 * - A / AAAA: the address;
 * - CNAME / NS / PTR: the target name;
 * - MX: the exchange name, with `priority` (preference);
 * - SRV: the target name, with `priority`, `weight` and `port`;
 * - TXT: the raw text, unquoted and of any length (quoted, escaped and split into 255-byte
 *   strings by the serializer);
 * - CAA: the property value (e.g. `letsencrypt.org`), with `tag` (default `issue`) and `flags`
 *   (default 0).
 */
export interface RecordSpec {
  /** `@`, a relative name (`www`, `*.dev`), or an absolute name inside the zone (`www.example.com.`). */
  name: string;
  type: RecordType;
  ttl?: number;
  value: string;
  priority?: number;
  weight?: number;
  port?: number;
  flags?: number;
  tag?: string;
}

export type RpzAction = 'nxdomain' | 'nodata' | 'passthru' | 'redirect';

/**
 * One response-policy rule. The category is not encoded in the zone (only as a comment): BIND's
 * rpz log line names the matching rule (`via malware.bad.test.rpz.local`), so a monitor maps a
 * hit back to the rule, and thus its category, by name through the database.
 */
/**
 * A blocklist feed's response-policy zone. Its file is compiled by the feeds module (`source`,
 * which it replaces by rename, never in place); BIND serves a copy it installs in its zones.
 */
export interface FeedZoneSpec {
  name: string;
  source: string;
  /** The serial written in `source`, which BIND must confirm. */
  serial: number;
}

/** The policy zones besides the manual one: the allowlist (first) and the feeds (last, in order). */
export interface PolicyZonesSpec {
  /** Names every feed lets through (`rpz-passthru`); `*.name` for the names below. */
  allowlist: readonly string[];
  feeds: readonly FeedZoneSpec[];
}

export interface RpzRuleSpec {
  /** The name to police, e.g. `bad.example.com`; `*.bad.example.com` matches its subdomains. */
  name: string;
  action: RpzAction;
  /** For `redirect`: an IPv4/IPv6 address (local A/AAAA data) or an absolute host name (CNAME). */
  redirectTo?: string;
  category?: string;
}

/** A global forwarder (options { forwarders }). */
export interface ForwarderSpec {
  address: string;
  port?: number;
}
