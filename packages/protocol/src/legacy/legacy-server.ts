/**
 * Messages the legacy protocols' servers sent, and builders that produce them from v1 values.
 * Legacy messages have no seq on the wire (gen 2 carries it in `metadata.seq`), so legacy clients
 * cannot resume; they simply reconnect and start fresh, as before.
 *
 * Where the legacy reference leaves the envelope open (`subscription_updated`, `error`), the
 * shape below is the one this server sends: payload under `data`, plus `timestamp`.
 */
import { z } from 'zod';
import { CATEGORIES } from '../categories.js';
import { EVENT_TYPES, type EventType } from '../catalogue.js';
import { severity } from '../event-schemas/common.js';
import type { EventFrame } from '../frames-server.js';
import { LEGACY_CONNECTION_TYPES, type LegacyConnectionType } from './legacy-client.js';
import { toLegacyEventData } from './legacy-event-data.js';

export type LegacyGeneration = 1 | 2;

const timestamp = z.string();

/**
 * Generation 1's event. Beside `{type, data, timestamp}` the old backend's envelope carried
 * `severity`, `category` and `event_id`, and the old dashboard reads `severity` off the envelope
 * (its critical health toast and its notification filter), so they are sent too.
 */
export const legacyEventGen1 = z.object({
  type: z.enum(EVENT_TYPES),
  data: z.unknown(),
  timestamp,
  /** The payload's `severity` when it has one, else `info` (what the old UI assumed). */
  severity,
  category: z.enum(CATEGORIES),
  event_id: z.string(),
});
export type LegacyEventGen1 = z.infer<typeof legacyEventGen1>;

export const legacyEventGen2 = z.object({
  id: z.string(),
  type: z.enum(EVENT_TYPES),
  data: z.unknown(),
  timestamp,
  priority: z.string(),
  metadata: z.record(z.string(), z.unknown()),
});
export type LegacyEventGen2 = z.infer<typeof legacyEventGen2>;

export const legacyConnectionEstablishedGen1 = z.object({
  type: z.literal('connection_established'),
  data: z.object({
    connection_type: z.enum(LEGACY_CONNECTION_TYPES),
    subscribed_events: z.array(z.string()),
  }),
  timestamp,
});

export const legacyConnectionEstablishedGen2 = z.object({
  type: z.literal('connection_established'),
  data: z.object({
    user_id: z.union([z.string(), z.number()]),
    username: z.string(),
    is_admin: z.boolean(),
    subscriptions: z.array(z.string()),
    connected_at: z.string(),
  }),
  timestamp,
});

export const legacySubscriptionUpdated = z.object({
  type: z.literal('subscription_updated'),
  data: z.object({
    subscriptions: z.array(z.string()),
    updated_at: z.string(),
    errors: z.array(z.string()),
  }),
  timestamp,
});

export const legacyHeartbeat = z.object({ type: z.literal('heartbeat'), timestamp });
export const legacyPong = z.object({ type: z.literal('pong'), timestamp });

export const legacyError = z.object({
  type: z.literal('error'),
  data: z.object({ code: z.string(), message: z.string() }),
  timestamp,
});

export const legacyValidationError = z.object({
  type: z.literal('validation_error'),
  data: z.object({ message: z.string(), errors: z.array(z.string()) }),
  timestamp,
});

/**
 * Replies to the old protocols' informational and admin requests, and the deprecation notice.
 * The reference leaves their payloads open: they share the legacy envelope `{type, data,
 * timestamp}` with snake_case data, and legacy clients ignore types they do not know.
 */
export const LEGACY_REPLY_TYPES = [
  'deprecation_notice',
  'notice',
  'token_expiring',
  'stats',
  'connection_status',
  'health_check_response',
  'connection_stats',
  'user_disconnected',
  'admin_message_sent',
] as const;
export type LegacyReplyType = (typeof LEGACY_REPLY_TYPES)[number];

export const legacyReply = z.object({
  type: z.enum(LEGACY_REPLY_TYPES),
  data: z.record(z.string(), z.unknown()),
  timestamp,
});
export type LegacyReply<T extends LegacyReplyType = LegacyReplyType> = {
  type: T;
  data: Record<string, unknown>;
  timestamp: string;
};

/** Where legacy clients are told to migrate. */
export const LEGACY_MIGRATE_TO = '/ws (protocol v1)';

/** The migration guide every legacy refusal and notice points to. */
export const LEGACY_MIGRATION_GUIDE = 'docs/legacy-migration.md';

/**
 * The `error` a legacy upgrade without a token or live session receives before the close
 * LEGACY_CLOSE.TOKEN_REQUIRED: the old clients print `error` data to the console.
 */
export function legacyTokenRequiredMessage(now = nowIso()): z.infer<typeof legacyError> {
  return legacyErrorMessage(
    'UNAUTHORIZED',
    `Authentication required: this server does not accept legacy WebSocket connections without a token. Connect with ?token=<access token>, or better move to protocol v1 on /ws; see ${LEGACY_MIGRATION_GUIDE}.`,
    now,
  );
}

export type LegacyServerMessage =
  | LegacyReply
  | LegacyEventGen1
  | LegacyEventGen2
  | z.infer<typeof legacyConnectionEstablishedGen1>
  | z.infer<typeof legacyConnectionEstablishedGen2>
  | z.infer<typeof legacySubscriptionUpdated>
  | z.infer<typeof legacyHeartbeat>
  | z.infer<typeof legacyPong>
  | z.infer<typeof legacyError>
  | z.infer<typeof legacyValidationError>;

const nowIso = (): string => new Date().toISOString();

function eventSeverity(data: unknown): z.infer<typeof severity> {
  const raw: unknown =
    typeof data === 'object' && data !== null
      ? (data as Record<string, unknown>).severity
      : undefined;
  const parsed = severity.safeParse(raw);
  return parsed.success ? parsed.data : 'info';
}

/**
 * Projects a (redacted) v1 event frame into the legacy event shape of `generation`, its data
 * with the fields the old UI reads added (legacy-event-data.ts).
 */
export function toLegacyEvent(frame: EventFrame, generation: 1): LegacyEventGen1;
export function toLegacyEvent(frame: EventFrame, generation: 2): LegacyEventGen2;
export function toLegacyEvent(
  frame: EventFrame,
  generation: LegacyGeneration,
): LegacyEventGen1 | LegacyEventGen2;
export function toLegacyEvent(
  frame: EventFrame,
  generation: LegacyGeneration,
): LegacyEventGen1 | LegacyEventGen2 {
  const data = toLegacyEventData(frame.event, frame.data, { id: frame.id, ts: frame.ts });
  if (generation === 1) {
    return {
      type: frame.event,
      data,
      timestamp: frame.ts,
      severity: eventSeverity(frame.data),
      category: frame.category,
      event_id: frame.id,
    };
  }
  const { actor, ...meta } = frame.meta;
  return {
    id: frame.id,
    type: frame.event,
    data,
    timestamp: frame.ts,
    priority: frame.priority,
    metadata: {
      seq: frame.seq,
      category: frame.category,
      ...meta,
      user_id: actor?.id ?? null,
      username: actor?.username ?? null,
    },
  };
}

export function legacyConnectionEstablished1(
  connectionType: LegacyConnectionType,
  subscribedEvents: readonly EventType[],
  now = nowIso(),
): z.infer<typeof legacyConnectionEstablishedGen1> {
  return {
    type: 'connection_established',
    data: { connection_type: connectionType, subscribed_events: [...subscribedEvents] },
    timestamp: now,
  };
}

export function legacyConnectionEstablished2(
  user: { id: string | number; username: string; isAdmin: boolean },
  subscriptions: readonly string[],
  now = nowIso(),
): z.infer<typeof legacyConnectionEstablishedGen2> {
  return {
    type: 'connection_established',
    data: {
      user_id: user.id,
      username: user.username,
      is_admin: user.isAdmin,
      subscriptions: [...subscriptions],
      connected_at: now,
    },
    timestamp: now,
  };
}

export function legacySubscriptionUpdatedMessage(
  subscriptions: readonly string[],
  errors: readonly string[],
  now = nowIso(),
): z.infer<typeof legacySubscriptionUpdated> {
  return {
    type: 'subscription_updated',
    data: { subscriptions: [...subscriptions], updated_at: now, errors: [...errors] },
    timestamp: now,
  };
}

export function legacyHeartbeatMessage(now = nowIso()): z.infer<typeof legacyHeartbeat> {
  return { type: 'heartbeat', timestamp: now };
}

export function legacyPongMessage(now = nowIso()): z.infer<typeof legacyPong> {
  return { type: 'pong', timestamp: now };
}

export function legacyErrorMessage(
  code: string,
  message: string,
  now = nowIso(),
): z.infer<typeof legacyError> {
  return { type: 'error', data: { code, message }, timestamp: now };
}

export function legacyValidationErrorMessage(
  message: string,
  errors: readonly string[],
  now = nowIso(),
): z.infer<typeof legacyValidationError> {
  return { type: 'validation_error', data: { message, errors: [...errors] }, timestamp: now };
}

export function legacyReplyMessage<T extends LegacyReplyType>(
  type: T,
  data: Record<string, unknown>,
  now = nowIso(),
): LegacyReply<T> {
  return { type, data, timestamp: now };
}
