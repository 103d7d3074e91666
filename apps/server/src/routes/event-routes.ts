import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CATEGORIES, EVENT_TYPES, type Category } from '@hdns/protocol';
import { z } from 'zod';
import { requireIdentity } from '../auth/auth-plugin.js';
import { errorResponses } from '../http/error-schema.js';
import { viewFor } from '../realtime/event-view.js';
import { visibleTo } from '../realtime/visibility.js';

const TAGS = ['events'];
const SECURITY = [{ bearerAuth: [] }];
const AUTH_ERRORS = ['UNAUTHORIZED', 'AUTH_FAILED', 'TOKEN_EXPIRED'] as const;

const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(z.enum(values)).max(50),
  );

const historyQuery = z.object({
  type: csv(EVENT_TYPES).optional().describe('Comma-separated event types'),
  category: csv(CATEGORIES as unknown as [Category, ...Category[]])
    .optional()
    .describe('Comma-separated categories'),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  afterSeq: z.coerce.number().int().nonnegative().optional(),
  beforeSeq: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe('Page cursor: events older than this seq'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  order: z.enum(['asc', 'desc']).default('desc'),
});

const eventView = z.object({
  id: z.string(),
  seq: z.number().int(),
  event: z.enum(EVENT_TYPES),
  category: z.enum(CATEGORIES),
  priority: z.string(),
  ts: z.string(),
  data: z.unknown(),
  meta: z.record(z.string(), z.unknown()),
  acked: z.boolean(),
});

const ackBody = z
  .object({
    upToSeq: z.number().int().nonnegative().optional(),
    ids: z.array(z.string().min(1).max(64)).min(1).max(1000).optional(),
  })
  .refine((b) => b.upToSeq !== undefined || b.ids !== undefined, {
    message: 'give upToSeq or ids',
  });

const unreadSchema = z.object({
  total: z.number().int(),
  byCategory: z.record(z.string(), z.number().int()),
  upToSeq: z.number().int(),
  capped: z
    .boolean()
    .describe(
      'True when unread events older than the newest 10,000 exist: the counts cover only those, so show them as "at least"',
    ),
  epoch: z.string(),
});

/** Event history, acknowledgements and unread counts, filtered and redacted per reader. */
export const eventRoutes: FastifyPluginAsyncZod = (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '',
    {
      schema: {
        tags: TAGS,
        summary: 'Event history',
        description:
          'Events the caller may see, redacted for its role, newest first by default. Page with `beforeSeq` = the `nextBeforeSeq` of the previous page.',
        security: SECURITY,
        querystring: historyQuery,
        response: {
          200: z.object({
            events: z.array(eventView),
            nextBeforeSeq: z.number().int().nullable(),
            epoch: z.string(),
            lastSeq: z.number().int(),
          }),
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
    '/ack',
    {
      schema: {
        tags: TAGS,
        summary: 'Acknowledge events',
        description:
          'By ids, or everything up to a seq (both allowed). Answers how many events this newly covered.',
        security: SECURITY,
        body: ackBody,
        response: {
          200: z.object({ acked: z.number().int(), unread: unreadSchema }),
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
    '/unread',
    {
      schema: {
        tags: TAGS,
        summary: 'Unread counts by category',
        security: SECURITY,
        response: { 200: unreadSchema, ...errorResponses(...AUTH_ERRORS) },
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
