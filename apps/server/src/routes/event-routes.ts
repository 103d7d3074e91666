import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { routes } from '@hdns/protocol/rest';
import { requireIdentity } from '../auth/auth-plugin.js';
import { errorResponses } from '../http/error-schema.js';
import { okResponse, pathUnder, requestSchema } from '../http/route-contract.js';
import { viewFor } from '../realtime/event-view.js';
import { visibleTo } from '../realtime/visibility.js';

const EVENTS = '/api/events';
const TAGS = ['events'];
const SECURITY = [{ bearerAuth: [] }];
const AUTH_ERRORS = ['UNAUTHORIZED', 'AUTH_FAILED', 'TOKEN_EXPIRED'] as const;

/** Event history, acknowledgements and unread counts, filtered and redacted per reader. */
export const eventRoutes: FastifyPluginAsyncZod = (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    pathUnder(EVENTS, routes.listEvents),
    {
      schema: {
        tags: TAGS,
        summary: 'Event history',
        description:
          'Events the caller may see, redacted for its role, newest first by default. Page with `beforeSeq` = the `nextBeforeSeq` of the previous page.',
        security: SECURITY,
        ...requestSchema(routes.listEvents),
        response: {
          ...okResponse(routes.listEvents),
          ...errorResponses(...AUTH_ERRORS),
        },
      },
    },
    async (request) => {
      const identity = requireIdentity(request);
      const q = request.query;
      const visible = visibleTo(identity);
      const types = q.type ? visible.types?.filter((t) => q.type?.includes(t)) : visible.types;
      const rows = await app.eventLog.query({
        ...visible,
        ...(types ? { types } : {}),
        ...(q.category ? { categories: q.category } : {}),
        ...(q.since ? { since: new Date(q.since).toISOString() } : {}),
        ...(q.until ? { until: new Date(q.until).toISOString() } : {}),
        ...(q.afterSeq !== undefined ? { afterSeq: q.afterSeq } : {}),
        ...(q.beforeSeq !== undefined ? { beforeSeq: q.beforeSeq } : {}),
        order: q.order,
        limit: q.limit,
      });
      const events = viewFor({ ...identity }, rows);
      const acked = await app.acks.ackedIds(identity.userId, events);
      const last = rows[rows.length - 1];
      return {
        events: events.map((e) => ({ ...e, meta: { ...e.meta }, acked: acked.has(e.id) })),
        nextBeforeSeq: q.order === 'desc' && rows.length === q.limit && last ? last.seq : null,
        epoch: app.eventLog.epoch,
        lastSeq: await app.eventLog.lastSeq(),
      };
    },
  );

  app.post(
    pathUnder(EVENTS, routes.ackEvents),
    {
      schema: {
        tags: TAGS,
        summary: 'Acknowledge events',
        description:
          'By ids, or everything up to a seq (both allowed). Answers how many events this newly covered.',
        security: SECURITY,
        ...requestSchema(routes.ackEvents),
        response: {
          ...okResponse(routes.ackEvents),
          ...errorResponses(...AUTH_ERRORS),
        },
      },
    },
    async (request) => {
      const identity = requireIdentity(request);
      const visible = visibleTo(identity);
      const acked = await app.acks.ack(identity.userId, request.body, visible);
      const unread = await app.acks.unread(identity.userId, visible);
      return { acked, unread: { ...unread, epoch: app.eventLog.epoch } };
    },
  );

  app.get(
    pathUnder(EVENTS, routes.unread),
    {
      schema: {
        tags: TAGS,
        summary: 'Unread counts by category',
        security: SECURITY,
        response: { ...okResponse(routes.unread), ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (request) => {
      const identity = requireIdentity(request);
      const unread = await app.acks.unread(identity.userId, visibleTo(identity));
      return { ...unread, epoch: app.eventLog.epoch };
    },
  );
  return Promise.resolve();
};
