import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The typed shape of the database. Column types are kept dialect-neutral so a Postgres dialect
 * can be added later: ids are text (UUIDs made by the app) except the audit log's integer
 * sequence, timestamps are ISO-8601 UTC text (`Date#toISOString`, which sorts lexicographically),
 * booleans are 0/1 integers and structured values are JSON text.
 */

export interface UsersTable {
  id: string;
  username: string;
  /** Lower-cased (NFKC) username; unique, so names are unique case-insensitively. */
  username_key: string;
  password_hash: string;
  role: string;
  /** JSON array of zone names, or null for "all zones". */
  zones: string | null;
  disabled: number;
  created_at: string;
  updated_at: string;
  /** Incremented on every update; PATCH must send the version it read. */
  version: number;
  /**
   * Access tokens carry it (`tv`); bumped on a password, role, zones or disabled change so every
   * older token is refused at once. Defaults to 1 (migration 0005).
   */
  token_version: Generated<number>;
}

export interface RefreshTokensTable {
  id: string;
  user_id: string;
  /** All tokens descending from one login share a family; reuse revokes the family. */
  family_id: string;
  /** sha256 (hex) of the raw token; the raw token is never stored. */
  token_hash: string;
  expires_at: string;
  revoked_at: string | null;
  /** Id of the token that replaced this one on rotation. */
  replaced_by: string | null;
  created_at: string;
  ip: string | null;
  user_agent: string | null;
}

/** Scoped API tokens (migration 0010); the secret is kept only as its SHA-256. */
export interface ApiTokensTable {
  id: string;
  owner_id: string;
  name: string;
  /** sha256 (hex) of the whole secret. */
  token_hash: string;
  /** `hdns_` and the first characters of the secret, for recognition only. */
  prefix: string;
  role: string;
  /** JSON array of zone names, or null for "every zone the owner may reach". */
  zones: string | null;
  read_only: number;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  last_used_from: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  ts: string;
  actor_user_id: string | null;
  actor_username: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  /** JSON object or null. Never contains secrets. */
  details: string | null;
  success: number;
}

export interface EventAckMarksTable {
  user_id: string;
  /** The event log epoch the watermark belongs to; another epoch means nothing is acked. */
  epoch: string;
  up_to_seq: number;
  updated_at: string;
}

export interface EventAcksTable {
  user_id: string;
  event_id: string;
  seq: number;
  acked_at: string;
}

export interface ZonesTable {
  id: string;
  name: string;
  type: 'primary' | 'forward' | 'secondary';
  serial: number | null;
  default_ttl: number;
  /** JSON SoaSpec or null for defaults. */
  soa: string | null;
  /** JSON string[] of `ip` or `ip#port`. */
  forwarders: string;
  forward_policy: 'only' | 'first' | null;
  description: string | null;
  /** Primary zones: the dnssec-policy signing it (migration 0008); null = unsigned. */
  dnssec_policy: string | null;
  /** Secondary zones: JSON string[] of `ip` or `ip#port` to pull from (migration 0009). */
  primaries: string | null;
  /** Secondary zones: the TSIG key they transfer with (tsig_keys.id), or null. */
  tsig_key_id: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface RecordsTable {
  id: string;
  zone_id: string;
  name: string;
  type: string;
  ttl: number | null;
  value: string;
  priority: number | null;
  weight: number | null;
  port: number | null;
  flags: number | null;
  tag: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ForwardersTable {
  id: string;
  name: string;
  address: string;
  port: number;
  enabled: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface RpzRulesTable {
  id: string;
  domain: string;
  action: string;
  redirect_to: string | null;
  category: string;
  enabled: number;
  comment: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

/** Blocklist feeds (migration 0012): one row per feed, its domains live in its zone file. */
export interface BlocklistFeedsTable {
  id: string;
  name: string;
  url: string;
  format: string;
  category: string;
  action: string;
  redirect_to: string | null;
  enabled: number;
  refresh_minutes: number;
  zone: string;
  serial: number;
  last_fetch_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  etag: string | null;
  last_modified: string | null;
  domain_count: number;
  skipped_count: number;
  /** Failed refreshes in a row (0 after a good one); sets the retry backoff. */
  failures: number;
  /** When the scheduler tries next: a failed feed's backoff, else null (the interval's end). */
  next_attempt_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface FeedAllowlistTable {
  domain: string;
  created_at: string;
}

export interface BulkJobsTable {
  id: string;
  kind: string;
  zone: string | null;
  status: string;
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  /** JSON [{line, message}] (capped). */
  errors: string;
  created_by: string | null;
  created_at: string;
  finished_at: string | null;
  /** Why the job stopped early (cancelled: its user lost the right; failed: a restart). */
  stop_reason: Generated<string | null>;
}

/**
 * Events of committed changes not yet in the event log (migration 0004, outbox/outbox.ts). A row
 * is written in the change's transaction and deleted once the relay has logged it.
 */
export interface OutboxTable {
  seq: Generated<number>;
  /** The event id, chosen before the commit; the event log deduplicates on it. */
  id: string;
  type: string;
  /** When the change committed (the event's ts). */
  ts: string;
  /** JSON: the event data, validated against the catalogue before the commit. */
  data: string;
  /** JSON: actor, priority, source, audience (hub PublishOptions). */
  options: string;
  attempts: Generated<number>;
  last_error: string | null;
  /** Set when the catalogue refuses the row at relay time (kept for an operator, skipped). */
  dead_at: string | null;
}

/**
 * One row (id 1): the fencing token and name of the newest BIND lease holder (migration 0006).
 * `token` is a bigint: PostgreSQL hands it back as a string, so read it through Number().
 */
export interface BindFenceTable {
  id: number;
  token: ColumnType<number | string, number, number>;
  holder: string;
}

/** One row (id 1): DnsServerSettings as JSON; see migration 0007. */
export interface DnsSettingsTable {
  id: number;
  settings: string;
  version: number;
  updated_at: string;
}

/** Migration 0009. The secret is base64, as named.conf takes it. */
export interface TsigKeysTable {
  id: string;
  name: string;
  algorithm: string;
  secret: string;
  version: number;
  created_at: string;
  rotated_at: string | null;
}

/** Migration 0009: a server this one notifies and lets transfer its zones. */
export interface SecondaryServersTable {
  id: string;
  name: string;
  address: string;
  port: number;
  tsig_key_id: string | null;
  enabled: number;
  version: number;
  created_at: string;
  updated_at: string;
}

/** Per-user preferences (migration 0011, account/). */
export interface UserPreferencesTable {
  user_id: string;
  /** JSON: the NotificationPreferences of the protocol. */
  notifications: string;
  updated_at: string;
}

/** Alerting (migration 0013, alerting/). `config` and `spec` are JSON. */
export interface AlertChannelsTable {
  id: string;
  name: string;
  kind: string;
  enabled: number;
  config: string;
  created_at: string;
  updated_at: string;
}

export interface AlertRulesTable {
  id: string;
  name: string;
  enabled: number;
  /** JSON: match, threshold, channelIds, escalation. */
  spec: string;
  created_at: string;
  updated_at: string;
}

/** The persisted delivery queue and its log (alerting/delivery-store.ts). */
export interface AlertDeliveriesTable {
  id: string;
  channel_id: string;
  rule_id: string | null;
  event_id: string | null;
  reason: string;
  /** Unique; `alert:<event>:<channel>`, `escalation:<event>:<channel>`, null otherwise. */
  dedupe_key: string | null;
  /** JSON: the event as sent. */
  payload: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  /** A worker's claim on a `sending` row; past it the row is due again (a crashed sender). */
  claimed_until: string | null;
  /** Delivered critical event of a rule with escalation: when to check its acknowledgement. */
  escalate_at: string | null;
  created_at: string;
  delivered_at: string | null;
}

/** One row (id 1): the matcher's position in the event log. `seq` is text: bigint-safe. */
export interface AlertCursorTable {
  id: number;
  epoch: string;
  seq: string;
  /** The instance matching alert rules now (migration 0015), and until when its claim holds. */
  holder: string | null;
  held_until: string | null;
}

/** Who still uses the legacy protocols (migration 0016, realtime/legacy-use-store.ts). */
export interface LegacyClientsTable {
  user_id: string;
  /** 1 or 2. */
  generation: number;
  /** The URL form (`ws`, `api-websocket`, `ws-type`). */
  route: string;
  /** Generation 1's `{type}`; '' for generation 2. */
  connection_type: string;
  /** The latest connection's User-Agent. */
  user_agent: string | null;
  first_seen_at: string;
  last_seen_at: string;
  connections: Generated<number>;
  refused: Generated<number>;
}

export interface Database {
  zones: ZonesTable;
  records: RecordsTable;
  forwarders: ForwardersTable;
  rpz_rules: RpzRulesTable;
  blocklist_feeds: BlocklistFeedsTable;
  feed_allowlist: FeedAllowlistTable;
  alert_channels: AlertChannelsTable;
  alert_rules: AlertRulesTable;
  alert_deliveries: AlertDeliveriesTable;
  alert_cursor: AlertCursorTable;
  bulk_jobs: BulkJobsTable;
  event_ack_marks: EventAckMarksTable;
  event_acks: EventAcksTable;
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  user_preferences: UserPreferencesTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  bind_fence: BindFenceTable;
  dns_settings: DnsSettingsTable;
  tsig_keys: TsigKeysTable;
  secondary_servers: SecondaryServersTable;
  legacy_clients: LegacyClientsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserRowUpdate = Updateable<UsersTable>;
export type RefreshTokenRow = Selectable<RefreshTokensTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
