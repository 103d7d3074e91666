import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  EVENT_TYPES,
  EXAMPLE_EVENTS,
  parseEventData,
  PRIORITIES,
  type EventType,
} from '@hdns/protocol';
import { z } from 'zod';
import { requireIdentity } from '../auth/auth-plugin.js';
import { AppError } from '../http/app-error.js';
import { errorResponses } from '../http/error-schema.js';

const TAGS = ['admin'];
const SECURITY = [{ bearerAuth: [] }];
const AUTH_ERRORS = ['UNAUTHORIZED', 'AUTH_FAILED', 'TOKEN_EXPIRED', 'FORBIDDEN'] as const;

const connectionSchema = z.object({
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
});

const emitBody = z.object({
  type: z.enum(EVENT_TYPES),
  data: z.unknown().optional().describe("Payload; omitted: the catalogue's example for the type"),
  priority: z.enum(PRIORITIES).optional(),
});

const broadcastBody = z.object({
  message: z.string().min(1).max(2000),
  title: z.string().max(200).optional(),
  level: z.enum(['info', 'warning', 'critical']).default('info'),
});

/** Admin view and control of the real-time layer. Mounted at /api/admin. */
export const adminRoutes: FastifyPluginAsyncZod = (app) => {
  app.addHook('onRequest', app.requireRole('admin'));

  app.get(
    '/connections',
    {
      schema: {
        tags: TAGS,
        summary: 'Live WebSocket connections',
        security: SECURITY,
        response: {
          200: z.object({ connections: z.array(connectionSchema) }),
          ...errorResponses(...AUTH_ERRORS),
        },
      },
    },
    () => ({ connections: app.hub.connections() }),
  );

  app.delete(
    '/connections/users/:userId',
    {
      schema: {
        tags: TAGS,
        summary: "Disconnect a user's connections",
        description:
          'Closes them with the KICKED code (terminal: clients do not reconnect by themselves).',
        security: SECURITY,
        params: z.object({ userId: z.string().min(1).max(64) }),
        response: {
          200: z.object({ closed: z.number().int() }),
          ...errorResponses(...AUTH_ERRORS),
        },
      },
    },
    (request) => ({ closed: app.hub.disconnectUser(request.params.userId) }),
  );

  app.get(
    '/realtime',
    {
      schema: {
        tags: TAGS,
        summary: 'Hub statistics',
        security: SECURITY,
        response: {
          200: z.object({
            connections: z.number().int(),
            users: z.number().int(),
            pendingAuth: z.number().int(),
            queueDepth: z.number().int(),
            bufferedBytes: z.number().int(),
            position: z.number().int(),
            epoch: z.string(),
          }),
          ...errorResponses(...AUTH_ERRORS),
        },
      },
    },
    () => app.hub.stats(),
  );

  app.post(
    '/events',
    {
      schema: {
        tags: TAGS,
        summary: 'Emit a test event of any catalogue type',
        security: SECURITY,
        body: emitBody,
        response: {
          201: z.object({ id: z.string(), seq: z.number().int(), event: z.string() }),
          ...errorResponses(...AUTH_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const identity = requireIdentity(request);
      const type: EventType = request.body.type;
      const data = request.body.data ?? EXAMPLE_EVENTS[type];
      const parsed = parseEventData(type, data);
      if (!parsed.ok) throw new AppError('VALIDATION_ERROR', { message: parsed.message });
      const logged = await app.hub.publish(type, parsed.data, {
        actor: { id: identity.userId, username: identity.username },
        source: 'admin:test',
        ...(request.body.priority ? { priority: request.body.priority } : {}),
      });
      return reply.code(201).send({ id: logged.id, seq: logged.seq, event: logged.event });
    },
  );

  app.post(
    '/broadcast',
    {
      schema: {
        tags: TAGS,
        summary: 'Send a message to every connected user',
        description: 'Published as admin_broadcast (critical: it is sent ahead of queued events).',
        security: SECURITY,
        body: broadcastBody,
        response: {
          201: z.object({ id: z.string(), seq: z.number().int() }),
          ...errorResponses(...AUTH_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const identity = requireIdentity(request);
      const { message, title, level } = request.body;
      const logged = await app.hub.publish(
        'admin_broadcast',
        { broadcastId: randomUUID(), level, message, ...(title ? { title } : {}) },
        { actor: { id: identity.userId, username: identity.username }, source: 'admin' },
      );
      return reply.code(201).send({ id: logged.id, seq: logged.seq });
    },
  );
  return Promise.resolve();
};
