/**
 * Server → client frames of protocol v1. The event type travels in `event` (the frame's `type`
 * is always `event`), so a frame can be routed on `type` alone. Event frames are
 * self-contained: the server encodes each once per redaction variant and splices the bytes into
 * `batch` frames unchanged (see `encodeBatch`).
 */
import { z } from 'zod';
import { CATEGORIES, PRIORITIES } from './categories.js';
import { EVENT_TYPES, type EventDataOf, type EventType } from './catalogue.js';
import { ERROR_CODES } from './error-codes.js';
import { frameId, MAX_ID_LENGTH, streamPosition, subscriptionItem } from './frames-client.js';
import { ROLES } from './roles.js';

const isoTime = z.iso.datetime({ offset: true });
const seq = z.number().int().nonnegative();
const count = z.number().int().nonnegative();

export const MAX_BATCH_EVENTS = 1000;

export const rejectedItem = z.object({
  item: z.string().max(256),
  /** `unknown`: names no type or category; `forbidden`: the reader's role may not receive it. */
  reason: z.enum(['unknown', 'forbidden']),
});
export type Rejected = z.infer<typeof rejectedItem>;

export const welcomeFrame = z.object({
  type: z.literal('welcome'),
  id: frameId.describe('Echo of the hello id'),
  protocol: z.number().int(),
  sessionId: z.string().min(1).max(MAX_ID_LENGTH),
  user: z.object({
    id: z.string().min(1).max(MAX_ID_LENGTH),
    username: z.string().min(1).max(128),
    role: z.enum(ROLES),
    zones: z.array(z.string()).nullable().describe('Zone grants; null means all zones'),
  }),
  subscriptions: z.array(subscriptionItem).describe('Effective subscription set'),
  rejected: z.array(rejectedItem),
  heartbeatMs: z.number().int().positive(),
  position: streamPosition.describe('Newest seq in the log at welcome time'),
  resume: z.object({
    requested: z.boolean(),
    ok: z.boolean(),
    replayed: count.describe('Events replayed right after welcome, before live events'),
    reason: z
      .enum(['epoch_mismatch', 'too_old', 'not_requested', 'ahead'])
      .optional()
      .describe(
        'Why the resume failed: another epoch, older than retention, or a seq past the head',
      ),
  }),
  tokenExpiresAt: isoTime,
  limits: z.object({
    maxFrameBytes: z.number().int().positive(),
    ratePerSec: z.number().positive(),
    burst: z.number().int().positive(),
  }),
});

export const subscribedFrame = z.object({
  type: z.literal('subscribed'),
  id: frameId
    .optional()
    .describe(
      'Echo of the subscribe/unsubscribe id; absent when the server narrowed the set itself',
    ),
  subscriptions: z.array(subscriptionItem),
  rejected: z.array(rejectedItem),
});

export const eventMeta = z.object({
  actor: z
    .object({ id: z.string().max(MAX_ID_LENGTH), username: z.string().max(128) })
    .nullable()
    .optional()
    .describe(
      'User who caused the event; null for system events. Readers below admin get username "[redacted]"',
    ),
  zone: z.string().nullable().optional().describe('Zone of a zone-scoped event'),
  source: z.string().max(64).optional().describe('Emitter, e.g. api, monitor, query_log'),
  redacted: z.array(z.string()).optional().describe('Data paths redacted for this reader'),
  audience: z
    .enum(ROLES)
    .optional()
    .describe(
      "Narrows this one event to readers of at least this role (below the type's minRole never widens)",
    ),
});
export type EventMeta = z.infer<typeof eventMeta>;

/** The envelope; `data` is checked against the catalogue by `parseServerFrame`. */
export const eventFrame = z.object({
  type: z.literal('event'),
  id: z.string().min(1).max(MAX_ID_LENGTH).describe('Event id (uuid), stable across replays'),
  seq: seq.describe('Position in the event log; increases by one per event'),
  event: z.enum(EVENT_TYPES),
  category: z.enum(CATEGORIES),
  priority: z.enum(PRIORITIES),
  ts: isoTime,
  data: z.unknown().describe('Payload, see the event catalogue'),
  meta: eventMeta,
});

/**
 * An event frame with typed data. With the default type argument `data` is the union of all
 * payloads; narrow with `EventFrameUnion` and a switch on `event`, or `EventFrame<'zone_created'>`.
 */
export type EventFrame<T extends EventType = EventType> = Omit<
  z.infer<typeof eventFrame>,
  'event' | 'data'
> & { event: T; data: EventDataOf<T> };

/** Discriminated union over `event`: `switch (frame.event)` narrows `data`. */
export type EventFrameUnion = { [T in EventType]: EventFrame<T> }[EventType];

export const batchFrame = z.object({
  type: z.literal('batch'),
  through: seq.describe(
    'Watermark: every event for this session with seq <= through was sent or reported in a gap frame. Resume from the highest through seen.',
  ),
  events: z.array(eventFrame).min(1).max(MAX_BATCH_EVENTS),
});
export type BatchFrame = { type: 'batch'; through: number; events: EventFrame[] };

export const authedFrame = z.object({
  type: z.literal('authed'),
  id: frameId,
  tokenExpiresAt: isoTime,
});

export const ackedFrame = z.object({
  type: z.literal('acked'),
  id: frameId,
  upToSeq: seq.optional(),
  count: count.describe('Events newly acknowledged'),
});

export const tokenExpiringFrame = z.object({
  type: z.literal('token_expiring'),
  expiresAt: isoTime,
  inMs: count.describe('Milliseconds left; send auth before then'),
});

export const gapFrame = z.object({
  type: z.literal('gap'),
  fromSeq: seq,
  toSeq: seq,
  count: count,
  reason: z.enum(['shed', 'coalesced']),
});

export const noticeFrame = z.object({
  type: z.literal('notice'),
  level: z.enum(['info', 'warning']),
  code: z.string().min(1).max(64).describe('Stable machine-readable code, see NOTICE_CODES'),
  message: z.string().max(2000),
});

export const serverPingFrame = z.object({
  type: z.literal('ping'),
  ts: z.number().describe('Server clock, ms since epoch; echo it in pong'),
});

export const serverPongFrame = z.object({
  type: z.literal('pong'),
  id: frameId.optional().describe('Echo of the ping id'),
  ts: z.number(),
});

export const errorFrame = z.object({
  type: z.literal('error'),
  id: frameId.optional().describe('Echo of the offending frame id, when it had one'),
  code: z.enum(ERROR_CODES),
  message: z.string().max(2000),
  details: z.unknown().optional(),
});

export const serverFrameSchema = z.discriminatedUnion('type', [
  welcomeFrame,
  subscribedFrame,
  eventFrame,
  batchFrame,
  authedFrame,
  ackedFrame,
  tokenExpiringFrame,
  gapFrame,
  noticeFrame,
  serverPingFrame,
  serverPongFrame,
  errorFrame,
]);

export type WelcomeFrame = z.infer<typeof welcomeFrame>;
export type SubscribedFrame = z.infer<typeof subscribedFrame>;
export type AuthedFrame = z.infer<typeof authedFrame>;
export type AckedFrame = z.infer<typeof ackedFrame>;
export type TokenExpiringFrame = z.infer<typeof tokenExpiringFrame>;
export type GapFrame = z.infer<typeof gapFrame>;
export type NoticeFrame = z.infer<typeof noticeFrame>;
export type ServerPingFrame = z.infer<typeof serverPingFrame>;
export type ServerPongFrame = z.infer<typeof serverPongFrame>;
export type ErrorFrame = z.infer<typeof errorFrame>;

export type ServerFrame =
  | WelcomeFrame
  | SubscribedFrame
  | EventFrame
  | BatchFrame
  | AuthedFrame
  | AckedFrame
  | TokenExpiringFrame
  | GapFrame
  | NoticeFrame
  | ServerPingFrame
  | ServerPongFrame
  | ErrorFrame;
export type ServerFrameType = ServerFrame['type'];

/** Schema per server frame type, in documented order. */
export const SERVER_FRAMES = {
  welcome: welcomeFrame,
  subscribed: subscribedFrame,
  event: eventFrame,
  batch: batchFrame,
  authed: authedFrame,
  acked: ackedFrame,
  token_expiring: tokenExpiringFrame,
  gap: gapFrame,
  notice: noticeFrame,
  ping: serverPingFrame,
  pong: serverPongFrame,
  error: errorFrame,
} as const satisfies Record<ServerFrameType, z.ZodType>;

export const SERVER_FRAME_INFO: Readonly<Record<ServerFrameType, string>> = {
  welcome:
    'Answer to hello: the session, the user, effective subscriptions, stream position and limits.',
  subscribed:
    'The full effective subscription set after a change, with rejected items. Without `id` when the server narrowed the set itself (see notice `subscriptions_narrowed`).',
  event: 'One event, projected for this reader (redacted fields listed in meta.redacted).',
  batch: 'Several event frames in one WebSocket frame, in seq order.',
  authed: 'In-band token refresh accepted.',
  acked: 'Acknowledgement recorded.',
  token_expiring:
    'The token expires soon; send auth with a fresh one or the server closes with TOKEN_EXPIRED.',
  gap: 'Events between fromSeq and toSeq were not delivered to this client (shed under pressure, or superseded by a newer latest-value event). Fetch them via REST replay if needed.',
  notice:
    'Human-readable information: deprecation, shutdown announcements, narrowed subscriptions.',
  ping: 'Application heartbeat every heartbeatMs; answer with pong echoing ts.',
  pong: 'Answer to a client ping.',
  error: 'A frame was refused. Terminal errors are followed by a close code.',
};

/** Stable `notice.code` values the server sends. */
export const NOTICE_CODES = {
  /** Sent on legacy routes and for legacy message names. */
  LEGACY_PROTOCOL: 'legacy_protocol',
  /** The server is shutting down or restarting: close SERVER_RESTARTING follows; resume. */
  SERVER_SHUTDOWN: 'server_shutdown',
  /**
   * An in-band `auth` brought a narrower role: the types it may not receive were dropped, told
   * first in a `subscribed` without `id` (them in `rejected`, reason `forbidden`).
   */
  SUBSCRIPTIONS_NARROWED: 'subscriptions_narrowed',
} as const;
export type NoticeCodeName = keyof typeof NOTICE_CODES;

/** Runtime descriptions of the notice codes, for the generated docs (keep with the above). */
export const NOTICE_CODE_INFO: Readonly<
  Record<NoticeCodeName, { level: NoticeFrame['level']; description: string }>
> = {
  LEGACY_PROTOCOL: {
    level: 'warning',
    description:
      'Never sent as a v1 `notice`: the `code` of the legacy `deprecation_notice` that legacy routes send after `connection_established` (HDNS_LEGACY=warn).',
  },
  SERVER_SHUTDOWN: {
    level: 'warning',
    description:
      'Sent to every authenticated connection when the server shuts down or restarts, right before close `SERVER_RESTARTING` (4200): reconnect with backoff and resume. Legacy routes get it as a legacy `notice`.',
  },
  SUBSCRIPTIONS_NARROWED: {
    level: 'info',
    description:
      'An in-band `auth` brought a narrower role (e.g. operator → viewer): the event types it may not receive were dropped. Follows a `subscribed` frame without `id` that carries the new set and lists the dropped types in `rejected` (reason `forbidden`); the message names them. Sent only when the set actually narrowed. After a reconnect, `welcome.rejected` says the same.',
  },
};
