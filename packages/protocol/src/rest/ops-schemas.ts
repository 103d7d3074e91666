/** Operations: health probes (/healthz, /readyz) and the admin view of the real-time layer (/api/admin). */
import { z } from 'zod';
import { PRIORITIES } from '../categories.js';
import { EVENT_TYPES } from '../catalogue.js';

export const healthStatusSchema = z.object({ status: z.literal('ok') });

export const connectionSchema = z.object({
  sessionId: z.string(),
  userId: z.string(),
  username: z.string(),
  role: z.string(),
  ip: z.string(),
  protocol: z.string(),
  client: z.string().nullable(),
  connectedAt: z.string(),
  subscriptions: z.array(z.string()),
  queueDepth: z.number().int(),
  bufferedBytes: z.number().int(),
  framesIn: z.number().int(),
  framesOut: z.number().int(),
  eventsOut: z.number().int(),
  eventsLost: z.number().int(),
  /** The instance holding the socket (several instances on Redis); absent on a single server. */
  node: z.string().optional(),
});
export type Connection = z.infer<typeof connectionSchema>;
export const connectionListSchema = z.object({ connections: z.array(connectionSchema) });

export const userIdOfConnectionsSchema = z.object({ userId: z.string().min(1).max(64) });
export const closedCountSchema = z.object({
  closed: z.number().int(),
  /**
   * Several instances: the shared store was away, so only this instance's connections were
   * closed (and counted); the others close theirs once the retried revocation gets through.
   */
  pending: z.boolean().optional(),
});

/** One instance's real-time figures. */
const nodeStatsSchema = z.object({
  connections: z.number().int(),
  users: z.number().int(),
  pendingAuth: z.number().int(),
  queueDepth: z.number().int(),
  bufferedBytes: z.number().int(),
  position: z.number().int(),
});

export const realtimeStatsSchema = nodeStatsSchema.extend({
  epoch: z.string(),
  /**
   * Several instances on Redis: the figures above are the cluster's (users counted once), and
   * this lists each live instance's own; absent on a single server.
   */
  nodes: z.array(nodeStatsSchema.extend({ node: z.string() })).optional(),
});
export type RealtimeStats = z.infer<typeof realtimeStatsSchema>;

export const emitBodySchema = z.object({
  type: z.enum(EVENT_TYPES),
  data: z.unknown().optional().describe("Payload; omitted: the catalogue's example for the type"),
  priority: z.enum(PRIORITIES).optional(),
});
export const emittedSchema = z.object({ id: z.string(), seq: z.number().int(), event: z.string() });

export const BROADCAST_LEVELS = ['info', 'warning', 'critical'] as const;
export const broadcastBodySchema = z.object({
  message: z.string().min(1).max(2000),
  title: z.string().max(200).optional(),
  level: z.enum(BROADCAST_LEVELS).default('info'),
});
export const broadcastSentSchema = z.object({ id: z.string(), seq: z.number().int() });
