import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { routes } from '@hdns/protocol/rest';
import { requireIdentity } from '../auth/auth-plugin.js';
import { AppError } from '../http/app-error.js';
import { errorResponses } from '../http/error-schema.js';
import { okResponse, pathUnder, requestSchema } from '../http/route-contract.js';

const SECURITY = [{ bearerAuth: [] }];
const ERRORS = [
  'UNAUTHORIZED',
  'AUTH_FAILED',
  'TOKEN_EXPIRED',
  'FORBIDDEN',
  'READ_ONLY_TOKEN',
  'NOT_FOUND',
  'ALERT_TARGET_REFUSED',
  'ALERT_CHANNEL_INVALID',
  'ALERT_CHANNEL_UNKNOWN',
  'ALERT_CHANNEL_IN_USE',
] as const;
const ALERTS = '/api/alerts';
const TAGS = ['alerts'];

/**
 * Alert rules, notification channels and the delivery log. Mounted at /api/alerts. Operators
 * and admins read; admins change, test and re-send (a channel can reach outside systems).
 */
export const alertRoutes: FastifyPluginAsyncZod = (app) => {
  app.addHook('onRequest', app.requireRole('operator'));
  // async: Fastify waits for a sync hook's `done` callback, an async one's promise.
  const adminOnly = (request: Parameters<typeof requireIdentity>[0]): Promise<void> => {
    if (requireIdentity(request).role !== 'admin') {
      return Promise.reject(new AppError('FORBIDDEN'));
    }
    return Promise.resolve();
  };
  const service = app.alerts;

  app.get(
    pathUnder(ALERTS, routes.listAlertRules),
    {
      schema: {
        tags: TAGS,
        summary: 'List alert rules',
        security: SECURITY,
        ...requestSchema(routes.listAlertRules),
        response: { ...okResponse(routes.listAlertRules), ...errorResponses(...ERRORS) },
      },
    },
    async () => ({ rules: await service.listRules() }),
  );
  app.post(
    pathUnder(ALERTS, routes.createAlertRule),
    {
      preHandler: adminOnly,
      schema: {
        tags: TAGS,
        summary: 'Create an alert rule',
        security: SECURITY,
        ...requestSchema(routes.createAlertRule),
        response: { ...okResponse(routes.createAlertRule), ...errorResponses(...ERRORS) },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createRule(request.body)),
  );
  app.patch(
    pathUnder(ALERTS, routes.updateAlertRule),
    {
      preHandler: adminOnly,
      schema: {
        tags: TAGS,
        summary: 'Change an alert rule',
        security: SECURITY,
        ...requestSchema(routes.updateAlertRule),
        response: { ...okResponse(routes.updateAlertRule), ...errorResponses(...ERRORS) },
      },
    },
    (request) => service.updateRule(request.params.id, request.body),
  );
  app.delete(
    pathUnder(ALERTS, routes.deleteAlertRule),
    {
      preHandler: adminOnly,
      schema: {
        tags: TAGS,
        summary: 'Delete an alert rule',
        security: SECURITY,
        ...requestSchema(routes.deleteAlertRule),
        response: { ...okResponse(routes.deleteAlertRule), ...errorResponses(...ERRORS) },
      },
    },
    async (request, reply) => {
      await service.deleteRule(request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    pathUnder(ALERTS, routes.listAlertChannels),
    {
      schema: {
        tags: TAGS,
        summary: 'List notification channels (secrets are never returned)',
        security: SECURITY,
        ...requestSchema(routes.listAlertChannels),
        response: { ...okResponse(routes.listAlertChannels), ...errorResponses(...ERRORS) },
      },
    },
    async () => ({ channels: await service.listChannels() }),
  );
  app.post(
    pathUnder(ALERTS, routes.createAlertChannel),
    {
      preHandler: adminOnly,
      schema: {
        tags: TAGS,
        summary: 'Create a notification channel',
        security: SECURITY,
        ...requestSchema(routes.createAlertChannel),
        response: { ...okResponse(routes.createAlertChannel), ...errorResponses(...ERRORS) },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createChannel(request.body)),
  );
  app.patch(
    pathUnder(ALERTS, routes.updateAlertChannel),
    {
      preHandler: adminOnly,
      schema: {
        tags: TAGS,
        summary: 'Change a channel (an omitted secret or SMTP password is kept)',
        security: SECURITY,
        ...requestSchema(routes.updateAlertChannel),
        response: { ...okResponse(routes.updateAlertChannel), ...errorResponses(...ERRORS) },
      },
    },
    (request) => service.updateChannel(request.params.id, request.body),
  );
  app.delete(
    pathUnder(ALERTS, routes.deleteAlertChannel),
    {
      preHandler: adminOnly,
      schema: {
        tags: TAGS,
        summary: 'Delete a channel no rule uses',
        security: SECURITY,
        ...requestSchema(routes.deleteAlertChannel),
        response: { ...okResponse(routes.deleteAlertChannel), ...errorResponses(...ERRORS) },
      },
    },
    async (request, reply) => {
      await service.deleteChannel(request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    pathUnder(ALERTS, routes.testAlertChannel),
    {
      preHandler: adminOnly,
      schema: {
        tags: TAGS,
        summary: 'Queue a test notification (the delivery log shows the outcome)',
        security: SECURITY,
        ...requestSchema(routes.testAlertChannel),
        response: { ...okResponse(routes.testAlertChannel), ...errorResponses(...ERRORS) },
      },
    },
    async (request, reply) => reply.code(202).send(await service.testChannel(request.params.id)),
  );

  app.get(
    pathUnder(ALERTS, routes.listAlertDeliveries),
    {
      schema: {
        tags: TAGS,
        summary: 'The delivery log, newest first',
        security: SECURITY,
        ...requestSchema(routes.listAlertDeliveries),
        response: { ...okResponse(routes.listAlertDeliveries), ...errorResponses(...ERRORS) },
      },
    },
    (request) => service.deliveryPage(request.query),
  );
  app.post(
    pathUnder(ALERTS, routes.resendAlertDelivery),
    {
      preHandler: adminOnly,
      schema: {
        tags: TAGS,
        summary: 'Send a logged delivery again',
        security: SECURITY,
        ...requestSchema(routes.resendAlertDelivery),
        response: { ...okResponse(routes.resendAlertDelivery), ...errorResponses(...ERRORS) },
      },
    },
    async (request, reply) => reply.code(202).send(await service.resend(request.params.id)),
  );
  return Promise.resolve();
};
