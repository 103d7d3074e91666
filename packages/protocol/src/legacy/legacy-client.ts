/**
 * The two protocols the project replaces, described so the server can translate them at the
 * edge into the v1 session model (see docs/protocol.md "Legacy"). Event names are unchanged
 * between generations, so the catalogue serves legacy clients as is.
 *
 * Generation 1: `/ws/{connection_type}/{user_id}`, one socket per connection type, each with a
 * default event set (`legacyPreset`). Generation 2: `/ws?token=` with the message names below.
 */
import { z } from 'zod';
import { EVENT_TYPES, summarizeIssues, type EventType } from '../catalogue.js';
import { decodeEnvelope, type FrameErrorCode, type ParseOptions } from '../frame-codec.js';
import type { Role } from '../roles.js';

export const LEGACY_CONNECTION_TYPES = [
  'health',
  'dns_management',
  'security',
  'system',
  'admin',
] as const;
export type LegacyConnectionType = (typeof LEGACY_CONNECTION_TYPES)[number];

export function isLegacyConnectionType(value: unknown): value is LegacyConnectionType {
  return (
    typeof value === 'string' && (LEGACY_CONNECTION_TYPES as readonly string[]).includes(value)
  );
}

const PRESETS: Readonly<Record<LegacyConnectionType, readonly EventType[]>> = {
  health: ['health_update', 'health_alert', 'forwarder_status_change', 'system_status'],
  dns_management: [
    'zone_created',
    'zone_updated',
    'zone_deleted',
    'record_created',
    'record_updated',
    'record_deleted',
    'bind_reload',
    'config_change',
  ],
  security: ['security_alert', 'rpz_update', 'threat_detected'],
  system: [
    'system_status',
    'bind_reload',
    'config_change',
    'user_login',
    'user_logout',
    'session_expired',
  ],
  admin: EVENT_TYPES,
};

/**
 * Default subscriptions of a generation-1 connection type. The hub still filters by role, so a
 * viewer on `system` does not get the admin-only user events.
 */
export function legacyPreset(type: LegacyConnectionType): readonly EventType[] {
  return PRESETS[type];
}

/**
 * Least role that may open a connection of the type. The reference calls `admin` admins-only,
 * but the old dashboard as it shipped (its WebSocketProvider) opens `/api/websocket/ws/admin`
 * for every signed-in user and retries every 5 s on any refusal; so a non-admin on `admin` gets
 * the events its role allows (every preset is narrowed by role anyway), never more.
 */
export const LEGACY_CONNECTION_MIN_ROLE: Readonly<Record<LegacyConnectionType, Role>> = {
  health: 'viewer',
  dns_management: 'viewer',
  security: 'viewer',
  system: 'viewer',
  admin: 'viewer',
};

/**
 * Every event name the legacy protocols used, as written in their documentation. Plain strings
 * on purpose: a test checks each is still in the catalogue, so renames cannot slip through.
 */
export const LEGACY_EVENT_NAMES: readonly string[] = [
  'health_update',
  'health_alert',
  'forwarder_status_change',
  'system_status',
  'zone_created',
  'zone_updated',
  'zone_deleted',
  'record_created',
  'record_updated',
  'record_deleted',
  'bind_reload',
  'config_change',
  'security_alert',
  'rpz_update',
  'threat_detected',
  'user_login',
  'user_logout',
  'session_expired',
];

// ---- generation 1 and 2 client messages -------------------------------------------------------

const legacyTimestamp = z.string().max(64).optional();
const eventTypeList = z.array(z.string().min(1).max(64)).max(100);

function bare<T extends string>(type: T) {
  return z.object({
    type: z.literal(type),
    data: z.unknown().optional(),
    timestamp: legacyTimestamp,
  });
}

/**
 * A subscription change. The reference puts the list in `data.event_types`; the old frontends
 * as they shipped put it at the top level: the generation-1 websocketService sends
 * `{"type":"subscribe","events":[…]}`, the generation-2 UnifiedWebSocketService
 * `{"type":"subscribe","event_types":[…]}`. All three are accepted (`data` wins when several
 * are present); read the list with `legacyEventTypes`.
 */
function withEventTypes<T extends string>(type: T) {
  return z
    .object({
      type: z.literal(type),
      data: z.object({ event_types: eventTypeList }).optional(),
      event_types: eventTypeList.optional(),
      events: eventTypeList.optional(),
      timestamp: legacyTimestamp,
    })
    .refine((m) => m.data ?? m.event_types ?? m.events, {
      message: 'event types missing: send data.event_types, event_types or events',
    });
}

export const legacyClientMessageSchema = z.discriminatedUnion('type', [
  bare('ping'),
  bare('pong'),
  // generation 2 names, and the `subscribe`/`unsubscribe` spelling of gen 1 and the gen 2 frontend
  withEventTypes('subscribe_events'),
  withEventTypes('unsubscribe_events'),
  withEventTypes('subscribe'),
  withEventTypes('unsubscribe'),
  z.object({
    type: z.literal('subscribe_category'),
    data: z.object({ category: z.string().min(1).max(64) }),
    timestamp: legacyTimestamp,
  }),
  bare('get_subscription_info'),
  bare('get_connection_status'),
  bare('health_check'),
  bare('get_stats'),
  // admin only (the server checks the role)
  bare('get_connection_stats'),
  z.object({
    type: z.literal('disconnect_user'),
    data: z.object({
      user_id: z.union([z.string().min(1).max(64), z.number().int()]),
      reason: z.string().max(500).optional(),
    }),
    timestamp: legacyTimestamp,
  }),
  z.object({
    type: z.literal('broadcast_admin_message'),
    data: z.object({
      message: z.string().min(1).max(2000),
      title: z.string().max(200).optional(),
      level: z.string().max(32).optional(),
      priority: z.string().max(32).optional(),
    }),
    timestamp: legacyTimestamp,
  }),
]);

export type LegacyClientMessage = z.infer<typeof legacyClientMessageSchema>;
export type LegacyClientMessageType = LegacyClientMessage['type'];

/** The messages that change subscriptions, in any of their accepted spellings. */
export type LegacySubscriptionMessage = Extract<
  LegacyClientMessage,
  { type: 'subscribe' | 'unsubscribe' | 'subscribe_events' | 'unsubscribe_events' }
>;

/** The event types a subscription message names, wherever the client put them. */
export function legacyEventTypes(message: LegacySubscriptionMessage): readonly string[] {
  return message.data?.event_types ?? message.event_types ?? message.events ?? [];
}

const LEGACY_MESSAGES = {} as Record<LegacyClientMessageType, z.ZodType>;
for (const option of legacyClientMessageSchema.options) {
  LEGACY_MESSAGES[option.shape.type.value] = option;
}

export const LEGACY_CLIENT_MESSAGE_TYPES = Object.keys(
  LEGACY_MESSAGES,
) as LegacyClientMessageType[];

/**
 * The earliest generation-1 dashboard (its HealthMonitoringContext) pinged with the bare text
 * `ping`, not JSON, and the old backend answered the bare text `pong`: generation-1 routes do
 * the same (not counted as an invalid message). Generation 2 never accepted it.
 */
export const LEGACY_TEXT_PING = 'ping';
export const LEGACY_TEXT_PONG = 'pong';

export type LegacyParseResult =
  { ok: true; message: LegacyClientMessage } | { ok: false; code: FrameErrorCode; message: string };

/** Parses one legacy client message (either generation). Never throws. */
export function parseLegacyMessage(raw: unknown, options: ParseOptions = {}): LegacyParseResult {
  try {
    const env = decodeEnvelope(raw, LEGACY_MESSAGES, options.maxBytes);
    if (!env.ok) return { ok: false, code: env.code, message: env.message };
    const result = legacyClientMessageSchema.safeParse(env.obj);
    if (!result.success) {
      return { ok: false, code: 'BAD_FRAME', message: summarizeIssues(result.error.issues) };
    }
    return { ok: true, message: result.data };
  } catch {
    return { ok: false, code: 'BAD_FRAME', message: 'Message could not be read' };
  }
}
