/**
 * The enumerations REST shapes share, each stated once. The server validates with them, OpenAPI
 * lists them, the dashboard and the CLI offer them. Order matters: OpenAPI and forms show it.
 */
import { THREAT_CATEGORIES } from '../event-schemas/security.js';

export { ROLES, type Role } from '../roles.js';

/** Record types the API accepts, in the order the API has always listed them. */
export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'NS', 'PTR', 'MX', 'TXT', 'SRV', 'CAA'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/**
 * primary: served from its zone file; forward: queries go to the zone's forwarders; secondary:
 * pulled by zone transfer from its primaries (its records are theirs: read-only here).
 */
export const ZONE_TYPES = ['primary', 'forward', 'secondary'] as const;
export type ZoneType = (typeof ZONE_TYPES)[number];

export const FORWARD_POLICIES = ['only', 'first'] as const;
export type ForwardPolicy = (typeof FORWARD_POLICIES)[number];

export const CAA_TAGS = ['issue', 'issuewild', 'iodef'] as const;
export type CaaTag = (typeof CAA_TAGS)[number];

export const RPZ_RULE_ACTIONS = ['nxdomain', 'nodata', 'passthru', 'redirect'] as const;
export type RpzRuleAction = (typeof RPZ_RULE_ACTIONS)[number];

/** A rule's category: the same list rule-change and hit events carry. */
export const RPZ_CATEGORIES = THREAT_CATEGORIES;
export type RpzCategory = (typeof RPZ_CATEGORIES)[number];

export const JOB_STATUSES = ['running', 'succeeded', 'partial', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * The longest zone name (without trailing dot) the server accepts: 252 characters. DNS allows
 * 253, but the zone's file `db.<zone>` must fit a 255-byte file name (bind-layout.ts).
 */
export const MAX_ZONE_NAME_LENGTH = 252;
