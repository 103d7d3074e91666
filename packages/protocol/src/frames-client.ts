/**
 * Client → server frames of protocol v1. JSON text frames; every frame has `type`. Frames that
 * expect a reply carry `id` (≤ 64 chars), echoed in the reply so clients can match them.
 * Objects strip unknown keys: a newer client may send fields this server does not know.
 */
import { z } from 'zod';
import { PROTOCOL_VERSION } from './version.js';

export const MAX_ID_LENGTH = 64;
export const MAX_SUBSCRIPTION_ITEMS = 100;
export const MAX_ACK_IDS = 1000;
export const MAX_TOKEN_LENGTH = 8192;

/** Correlation id chosen by the client; the reply echoes it. */
export const frameId = z.string().min(1).max(MAX_ID_LENGTH);

/** An event type, a category, or `*`. Resolved (and possibly rejected) by the server. */
export const subscriptionItem = z.string().min(1).max(MAX_ID_LENGTH);

const token = z.string().min(1).max(MAX_TOKEN_LENGTH);

export const streamPosition = z.object({
  /** Names one continuous seq space; a different epoch means seqs restarted. */
  epoch: z.string().min(1).max(MAX_ID_LENGTH),
  /** Last seq the client processed (0 = none). */
  seq: z.number().int().nonnegative(),
});
export type StreamPosition = z.infer<typeof streamPosition>;

export const helloFrame = z.object({
  type: z.literal('hello'),
  id: frameId,
  protocol: z.literal(PROTOCOL_VERSION),
  token: token
    .optional()
    .describe('JWT; may be absent when the upgrade carried an `Authorization: Bearer` header'),
  resume: streamPosition.optional().describe('Replay events after this position'),
  subscribe: z
    .array(subscriptionItem)
    .max(MAX_SUBSCRIPTION_ITEMS)
    .optional()
    .describe('Initial subscriptions: event types, categories or "*"'),
  client: z
    .object({
      name: z.string().max(64).optional(),
      version: z.string().max(64).optional(),
      instanceId: z
        .string()
        .min(1)
        .max(MAX_ID_LENGTH)
        .optional()
        .describe(
          'Stable per browser or process; a newer connection with it supersedes older ones',
        ),
    })
    .optional(),
});

export const authFrame = z.object({
  type: z.literal('auth'),
  id: frameId,
  token: token.describe('A fresh JWT for the same user (in-band refresh)'),
});

const items = z.array(subscriptionItem).min(1).max(MAX_SUBSCRIPTION_ITEMS);

export const subscribeFrame = z.object({ type: z.literal('subscribe'), id: frameId, items });
export const unsubscribeFrame = z.object({ type: z.literal('unsubscribe'), id: frameId, items });

export const ackFrame = z
  .object({
    type: z.literal('ack'),
    id: frameId,
    upToSeq: z.number().int().nonnegative().optional().describe('Everything up to this seq'),
    ids: z.array(frameId).min(1).max(MAX_ACK_IDS).optional().describe('Individual event ids'),
  })
  .refine((f) => f.upToSeq !== undefined || f.ids !== undefined, {
    message: 'ack needs upToSeq or ids',
  });

export const clientPingFrame = z.object({ type: z.literal('ping'), id: frameId.optional() });

export const clientPongFrame = z.object({
  type: z.literal('pong'),
  ts: z.number().optional().describe("Echo of the server ping's ts"),
});

export const clientFrameSchema = z.discriminatedUnion('type', [
  helloFrame,
  authFrame,
  subscribeFrame,
  unsubscribeFrame,
  ackFrame,
  clientPingFrame,
  clientPongFrame,
]);

export type HelloFrame = z.infer<typeof helloFrame>;
export type AuthFrame = z.infer<typeof authFrame>;
export type SubscribeFrame = z.infer<typeof subscribeFrame>;
export type UnsubscribeFrame = z.infer<typeof unsubscribeFrame>;
export type AckFrame = z.infer<typeof ackFrame>;
export type ClientPingFrame = z.infer<typeof clientPingFrame>;
export type ClientPongFrame = z.infer<typeof clientPongFrame>;
export type ClientFrame = z.infer<typeof clientFrameSchema>;
export type ClientFrameType = ClientFrame['type'];

/** Schema per client frame type, in documented order. */
export const CLIENT_FRAMES = {
  hello: helloFrame,
  auth: authFrame,
  subscribe: subscribeFrame,
  unsubscribe: unsubscribeFrame,
  ack: ackFrame,
  ping: clientPingFrame,
  pong: clientPongFrame,
} as const satisfies Record<ClientFrameType, z.ZodType>;

export const CLIENT_FRAME_INFO: Readonly<Record<ClientFrameType, string>> = {
  hello:
    'First frame on every connection, within the auth deadline. Authenticates (unless the upgrade did), optionally resumes and subscribes. Answered by `welcome` or `error` + close.',
  auth: 'In-band token refresh before `tokenExpiresAt`. Answered by `authed` or `error`.',
  subscribe: 'Adds items to the subscription set. Answered by `subscribed` with the full set.',
  unsubscribe: 'Removes items from the subscription set. Answered by `subscribed`.',
  ack: 'Marks events processed (for at-least-once consumers). Answered by `acked`.',
  ping: 'Client-initiated liveness check. Answered by `pong` with the same id.',
  pong: 'Answer to a server `ping`; missing answers end in close HEARTBEAT_TIMEOUT.',
};
