/**
 * REST resource shapes as the server's OpenAPI describes them (apps/server/src/dns/dns-schemas.ts,
 * users/user-schemas.ts, routes/admin-routes.ts). Event payloads are NOT declared here: they come
 * from @hdns/protocol. These are the HTTP resources, which the web app may not import from the
 * server package.
 */
import type { Category, EventDataOf, EventMeta, EventType, Priority, Role } from '@hdns/protocol';

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
  /** null: all zones. */
  zones: string[] | null;
}

export interface TokenResponse {
  accessToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
  user: SessionUser;
}

export interface User extends SessionUser {
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Soa {
  mname: string;
  rname: string;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export interface Zone {
  id: string;
  name: string;
  type: 'primary' | 'forward';
  serial: number | null;
  defaultTtl: number;
  soa: Soa | null;
  forwarders: string[];
  forwardPolicy: 'only' | 'first' | null;
  description: string | null;
  version: number;
  recordCount: number;
  /**
   * A forward zone or one at or above a public suffix: changing it or its records takes an admin
   * or an operator granted exactly this zone (the server answers ZONE_NEEDS_ADMIN otherwise).
   */
  needsAdmin: boolean;
  createdAt: string;
  updatedAt: string;
}

export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'NS', 'PTR', 'MX', 'TXT', 'SRV', 'CAA'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export interface DnsRecord {
  id: string;
  zone: string;
  name: string;
  type: RecordType;
  ttl: number | null;
  value: string;
  priority: number | null;
  weight: number | null;
  port: number | null;
  flags: number | null;
  tag: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** What the record form sends (POST, and PUT with `version`). */
export interface RecordInput {
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

export interface Job {
  id: string;
  kind: string;
  zone: string | null;
  status: 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled';
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  errors: { line: number; message: string }[];
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** Why a cancelled job stopped (its user lost the right to run it). */
  stopReason: string | null;
}

export const RPZ_RULE_ACTIONS = ['nxdomain', 'nodata', 'passthru', 'redirect'] as const;
export type RpzRuleAction = (typeof RPZ_RULE_ACTIONS)[number];

export interface RpzRule {
  id: string;
  domain: string;
  action: RpzRuleAction;
  redirectTo: string | null;
  category: string;
  enabled: boolean;
  comment: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Forwarder {
  id: string;
  name: string;
  address: string;
  port: number;
  enabled: boolean;
  version: number;
}

/**
 * One event of GET /api/events: the live event frame's fields (typed by the catalogue, so
 * `switch (e.event)` narrows `data`) plus whether this user acknowledged it.
 */
export type StoredEvent = {
  [T in EventType]: {
    id: string;
    seq: number;
    event: T;
    category: Category;
    priority: Priority;
    ts: string;
    data: EventDataOf<T>;
    meta: EventMeta;
    acked: boolean;
  };
}[EventType];

export interface EventPage {
  events: StoredEvent[];
  nextBeforeSeq: number | null;
  epoch: string;
  lastSeq: number;
}

export interface Connection {
  sessionId: string;
  userId: string;
  username: string;
  role: string;
  ip: string;
  protocol: string;
  client: string | null;
  connectedAt: string;
  subscriptions: string[];
  queueDepth: number;
  bufferedBytes: number;
  framesIn: number;
  framesOut: number;
  eventsOut: number;
  eventsLost: number;
}

export interface RealtimeStats {
  connections: number;
  users: number;
  pendingAuth: number;
  queueDepth: number;
  bufferedBytes: number;
  position: number;
  epoch: string;
}
