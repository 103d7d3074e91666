import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { EXAMPLE_EVENTS, parseEventData, type EventType } from '@hdns/protocol';
import { routes } from '@hdns/protocol/rest';
import { isClusterUnavailable } from '@hdns/hub';
import { requireIdentity } from '../auth/auth-plugin.js';
import { AppError } from '../http/app-error.js';
import { errorResponses } from '../http/error-schema.js';
import { okResponse, pathUnder, requestSchema } from '../http/route-contract.js';

const ADMIN = '/api/admin';
const TAGS = ['admin'];
const SECURITY = [{ bearerAuth: [] }];
const AUTH_ERRORS = ['UNAUTHORIZED', 'AUTH_FAILED', 'TOKEN_EXPIRED', 'FORBIDDEN'] as const;

/**
 * A read of every instance's sessions, or 503 CLUSTER_UNAVAILABLE (with Retry-After) when the
 * shared store does not answer in time: the admin views never hang on a Redis outage.
 */
export async function clusterRead<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (!isClusterUnavailable(err)) throw err;
    throw new AppError('CLUSTER_UNAVAILABLE', undefined, {
      headers: { 'retry-after': '5' },
      cause: err,
    });
  }
}

/** Admin view and control of the real-time layer. Mounted at /api/admin. */
export const adminRoutes: FastifyPluginAsyncZod = (app) => {
  app.addHook('onRequest', app.requireRole('admin'));

  app.get(
    pathUnder(ADMIN, routes.listConnections),
    {
      schema: {
        tags: TAGS,
        summary: 'Live WebSocket connections',
        security: SECURITY,
        response: {
          ...okResponse(routes.listConnections),
          ...errorResponses(...AUTH_ERRORS, 'CLUSTER_UNAVAILABLE'),
        },
      },
    },
    async () => ({ connections: await clusterRead(() => app.hub.clusterConnections()) }),
  );

  app.delete(
    pathUnder(ADMIN, routes.disconnectUser),
    {
      schema: {
        tags: TAGS,
        summary: "Disconnect a user's connections",
        description:
          'Closes them with the KICKED code (terminal: clients do not reconnect by themselves). ' +
          'Several instances: when Redis is away, this instance closes its own and answers ' +
          '`pending: true`; the others close theirs once the retried revocation reaches Redis.',
        security: SECURITY,
        ...requestSchema(routes.disconnectUser),
        response: {
          ...okResponse(routes.disconnectUser),
          ...errorResponses(...AUTH_ERRORS),
        },
      },
    },
    (request) => app.hub.disconnectUserInCluster(request.params.userId),
  );

  app.get(
    pathUnder(ADMIN, routes.realtimeStats),
    {
      schema: {
        tags: TAGS,
        summary: 'Hub statistics',
        security: SECURITY,
        response: {
          ...okResponse(routes.realtimeStats),
          ...errorResponses(...AUTH_ERRORS, 'CLUSTER_UNAVAILABLE'),
        },
      },
    },
    () => clusterRead(() => app.hub.stats()),
  );

  app.post(
    pathUnder(ADMIN, routes.emitEvent),
    {
      schema: {
        tags: TAGS,
        summary: 'Emit a test event of any catalogue type',
        security: SECURITY,
        ...requestSchema(routes.emitEvent),
        response: {
          ...okResponse(routes.emitEvent),
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
    pathUnder(ADMIN, routes.broadcast),
    {
      schema: {
        tags: TAGS,
        summary: 'Send a message to every connected user',
        description: 'Published as admin_broadcast (critical: it is sent ahead of queued events).',
        security: SECURITY,
        ...requestSchema(routes.broadcast),
        response: {
          ...okResponse(routes.broadcast),
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
