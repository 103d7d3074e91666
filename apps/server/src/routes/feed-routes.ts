import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { routes } from '@hdns/protocol/rest';
import { requireIdentity } from '../auth/auth-plugin.js';
import { actorOf } from '../dns/zone-access.js';
import { AppError } from '../http/app-error.js';
import { errorResponses } from '../http/error-schema.js';
import { okResponse, pathUnder, requestSchema } from '../http/route-contract.js';

const SECURITY = [{ bearerAuth: [] }];
const ERRORS = [
  'VALIDATION_ERROR',
  'UNAUTHORIZED',
  'AUTH_FAILED',
  'TOKEN_EXPIRED',
  'FORBIDDEN',
  'NOT_FOUND',
  'STALE_VERSION',
  'FEED_LIMIT_REACHED',
  'FEED_URL_REFUSED',
  'ZONE_CHECK_FAILED',
  'BIND_RELOAD_FAILED',
  'BIND_UNAVAILABLE',
  'BIND_OUTCOME_UNKNOWN',
] as const;
const FEEDS = '/api/feeds';

/** The refusal of feed changes in system mode (the README says the same). */
export const SYSTEM_MODE_MESSAGE =
  'blocklist feeds and the allowlist are served by a managed named only; in system mode ' +
  "your named.conf's response-policy lists the policy zones";
const TAGS = ['security'];

/** Blocklist feeds and their allowlist. Mounted at /api/feeds. Everyone reads; admins change. */
export const feedRoutes: FastifyPluginAsyncZod = (app) => {
  app.addHook('onRequest', app.authenticate);
  // In system mode the operator's `response-policy` names the policy zones: a feed (or the
  // allowlist) would be stored and compiled but never served, so changes are refused, as
  // global forwarders are there, rather than accepted and silently ignored.
  if (app.bind.mode === 'system') {
    // Returns a promise: Fastify waits for a sync hook's `done` callback, an async one's promise.
    app.addHook('preHandler', (request) => {
      if (request.method === 'GET' || request.method === 'HEAD') return Promise.resolve();
      return Promise.reject(
        new AppError(
          'VALIDATION_ERROR',
          { setting: 'feeds', mode: 'system' },
          { message: SYSTEM_MODE_MESSAGE },
        ),
      );
    });
  }
  const service = app.feeds;
  app.get(
    pathUnder(FEEDS, routes.listFeeds),
    {
      schema: {
        tags: TAGS,
        summary: 'List blocklist feeds with their state',
        security: SECURITY,
        ...requestSchema(routes.listFeeds),
        response: { ...okResponse(routes.listFeeds), ...errorResponses(...ERRORS) },
      },
    },
    async () => ({ feeds: await service.list() }),
  );
  app.post(
    pathUnder(FEEDS, routes.createFeed),
    {
      schema: {
        tags: TAGS,
        summary: 'Subscribe to a blocklist by URL (its first download starts at once)',
        security: SECURITY,
        ...requestSchema(routes.createFeed),
        response: { ...okResponse(routes.createFeed), ...errorResponses(...ERRORS) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.create(requireIdentity(request), request.body)),
  );
  app.get(
    pathUnder(FEEDS, routes.getFeedAllowlist),
    {
      schema: {
        tags: TAGS,
        summary: 'The names every feed lets through',
        security: SECURITY,
        ...requestSchema(routes.getFeedAllowlist),
        response: { ...okResponse(routes.getFeedAllowlist), ...errorResponses(...ERRORS) },
      },
    },
    async () => ({ domains: await service.allowlist() }),
  );
  app.put(
    pathUnder(FEEDS, routes.setFeedAllowlist),
    {
      schema: {
        tags: TAGS,
        summary: 'Replace the allowlist',
        security: SECURITY,
        ...requestSchema(routes.setFeedAllowlist),
        response: { ...okResponse(routes.setFeedAllowlist), ...errorResponses(...ERRORS) },
      },
    },
    async (request) => ({
      domains: await service.setAllowlist(requireIdentity(request), request.body.domains),
    }),
  );
  app.patch(
    pathUnder(FEEDS, routes.updateFeed),
    {
      schema: {
        tags: TAGS,
        summary: 'Change, enable or disable a feed',
        security: SECURITY,
        ...requestSchema(routes.updateFeed),
        response: { ...okResponse(routes.updateFeed), ...errorResponses(...ERRORS) },
      },
    },
    (request) => service.update(requireIdentity(request), request.params.id, request.body),
  );
  app.delete(
    pathUnder(FEEDS, routes.deleteFeed),
    {
      schema: {
        tags: TAGS,
        summary: 'Remove a feed and its policy zone',
        security: SECURITY,
        ...requestSchema(routes.deleteFeed),
        response: { ...okResponse(routes.deleteFeed), ...errorResponses(...ERRORS) },
      },
    },
    async (request, reply) => {
      await service.remove(requireIdentity(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    pathUnder(FEEDS, routes.refreshFeed),
    {
      schema: {
        tags: TAGS,
        summary: 'Refresh a feed now (conditional download; a failure keeps the last good list)',
        security: SECURITY,
        ...requestSchema(routes.refreshFeed),
        response: { ...okResponse(routes.refreshFeed), ...errorResponses(...ERRORS) },
      },
    },
    async (request) => {
      const identity = requireIdentity(request);
      if (identity.role !== 'admin') throw new AppError('FORBIDDEN');
      await service.get(request.params.id);
      return service.refresh(request.params.id, actorOf(identity));
    },
  );
  return Promise.resolve();
};
