import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { describeAlertRule, routes, type AlertRule } from '@hdns/protocol/rest';
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

/** Audit actions of alerting changes (`audit_log.action`). */
export const ALERT_AUDIT = {
  ruleCreate: 'alert_rule_create',
  ruleUpdate: 'alert_rule_update',
  ruleDelete: 'alert_rule_delete',
  channelCreate: 'alert_channel_create',
  channelUpdate: 'alert_channel_update',
  channelDelete: 'alert_channel_delete',
  channelTest: 'alert_channel_test',
  deliveryResend: 'alert_delivery_resend',
} as const;
type AlertAuditAction = (typeof ALERT_AUDIT)[keyof typeof ALERT_AUDIT];

const ruleDetails = (rule: AlertRule) => ({
  name: rule.name,
  enabled: rule.enabled,
  summary: describeAlertRule(rule),
  channelIds: rule.channelIds,
});
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
  /** Every change to alerting is audited: who, from where, what (never a secret). */
  const audit = (
    request: Parameters<typeof requireIdentity>[0],
    action: AlertAuditAction,
    target: string,
    details: Record<string, unknown> | null = null,
  ): Promise<void> => {
    const who = requireIdentity(request);
    return app.auditLog.record({
      action,
      actor: { userId: who.userId, username: who.username },
      target,
      ip: request.ip,
      details,
    });
  };

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
    async (request, reply) => {
      const rule = await service.createRule(request.body);
      await audit(request, ALERT_AUDIT.ruleCreate, `alert_rule:${rule.id}`, ruleDetails(rule));
      return reply.code(201).send(rule);
    },
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
    async (request) => {
      const rule = await service.updateRule(request.params.id, request.body);
      await audit(request, ALERT_AUDIT.ruleUpdate, `alert_rule:${rule.id}`, {
        changed: Object.keys(request.body),
        ...ruleDetails(rule),
      });
      return rule;
    },
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
      await audit(request, ALERT_AUDIT.ruleDelete, `alert_rule:${request.params.id}`);
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
    async (request) => ({
      channels: await service.listChannels(requireIdentity(request).role === 'admin'),
    }),
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
    async (request, reply) => {
      const channel = await service.createChannel(request.body);
      await audit(request, ALERT_AUDIT.channelCreate, `alert_channel:${channel.id}`, {
        name: channel.name,
        kind: channel.kind,
        enabled: channel.enabled,
      });
      return reply.code(201).send(channel);
    },
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
    async (request) => {
      const channel = await service.updateChannel(request.params.id, request.body);
      await audit(request, ALERT_AUDIT.channelUpdate, `alert_channel:${channel.id}`, {
        // Field names only: a config may hold a secret or an SMTP password.
        changed: Object.keys(request.body),
        configFields: Object.keys(request.body.config ?? {}),
      });
      return channel;
    },
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
      await audit(request, ALERT_AUDIT.channelDelete, `alert_channel:${request.params.id}`);
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
    async (request, reply) => {
      const queued = await service.testChannel(request.params.id);
      await audit(request, ALERT_AUDIT.channelTest, `alert_channel:${request.params.id}`);
      return reply.code(202).send(queued);
    },
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
    async (request, reply) => {
      const queued = await service.resend(request.params.id);
      await audit(request, ALERT_AUDIT.deliveryResend, `alert_delivery:${request.params.id}`);
      return reply.code(202).send(queued);
    },
  );
  return Promise.resolve();
};
