import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { routes, rpzRuleInputSchema } from '@hdns/protocol/rest';
import { requireIdentity } from '../auth/auth-plugin.js';
import { AppError } from '../http/app-error.js';
import { errorResponses } from '../http/error-schema.js';
import { okResponse, pathUnder, requestSchema } from '../http/route-contract.js';
import { importJobSpec, parseImport } from '../dns/bulk-parse.js';
import { jobRightsCheck } from '../dns/job-rights.js';

const SECURITY = [{ bearerAuth: [] }];
const ERRORS = [
  'UNAUTHORIZED',
  'AUTH_FAILED',
  'TOKEN_EXPIRED',
  'FORBIDDEN',
  'NOT_FOUND',
  'STALE_VERSION',
  'CONFLICT',
  'ZONE_CHECK_FAILED',
  'BIND_RELOAD_FAILED',
  'BIND_UNAVAILABLE',
  'BIND_OUTCOME_UNKNOWN',
] as const;
const FORWARDERS = '/api/forwarders';
const RPZ = '/api/rpz';

/** Global forwarders. Mounted at /api/forwarders. Everyone reads; admins change. */
export const forwarderRoutes: FastifyPluginAsyncZod = (app) => {
  app.addHook('onRequest', app.authenticate);
  const service = app.dns.forwarders;
  const TAGS = ['forwarders'];
  app.get(
    pathUnder(FORWARDERS, routes.listForwarders),
    {
      schema: {
        tags: TAGS,
        summary: 'List global forwarders',
        security: SECURITY,
        response: {
          ...okResponse(routes.listForwarders),
          ...errorResponses(...ERRORS),
        },
      },
    },
    async () => ({
      forwarders: await service.list(),
    }),
  );
  app.post(
    pathUnder(FORWARDERS, routes.createForwarder),
    {
      schema: {
        tags: TAGS,
        summary: 'Add a global forwarder',
        security: SECURITY,
        ...requestSchema(routes.createForwarder),
        response: { ...okResponse(routes.createForwarder), ...errorResponses(...ERRORS) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.create(requireIdentity(request), request.body)),
  );
  app.patch(
    pathUnder(FORWARDERS, routes.updateForwarder),
    {
      schema: {
        tags: TAGS,
        summary: 'Change a forwarder',
        security: SECURITY,
        ...requestSchema(routes.updateForwarder),
        response: { ...okResponse(routes.updateForwarder), ...errorResponses(...ERRORS) },
      },
    },
    (request) => service.update(requireIdentity(request), request.params.id, request.body),
  );
  app.delete(
    pathUnder(FORWARDERS, routes.deleteForwarder),
    {
      schema: {
        tags: TAGS,
        summary: 'Remove a forwarder',
        security: SECURITY,
        ...requestSchema(routes.deleteForwarder),
        response: { ...okResponse(routes.deleteForwarder), ...errorResponses(...ERRORS) },
      },
    },
    async (request, reply) => {
      await service.remove(requireIdentity(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
  return Promise.resolve();
};

/** Response policy rules. Mounted at /api/rpz. Everyone reads; admins change. */
export const rpzRoutes: FastifyPluginAsyncZod = (app) => {
  app.addHook('onRequest', app.authenticate);
  const service = app.dns.rpz;
  const TAGS = ['security'];
  app.get(
    pathUnder(RPZ, routes.listRpzRules),
    {
      schema: {
        tags: TAGS,
        summary: 'List RPZ rules',
        security: SECURITY,
        response: {
          ...okResponse(routes.listRpzRules),
          ...errorResponses(...ERRORS),
        },
      },
    },
    async () => ({
      rules: await service.list(),
    }),
  );
  app.post(
    pathUnder(RPZ, routes.createRpzRule),
    {
      schema: {
        tags: TAGS,
        summary: 'Add an RPZ rule',
        description:
          'nxdomain / nodata block, passthru allows, redirect answers with an address. `*.domain` matches subdomains. Applies at once.',
        security: SECURITY,
        ...requestSchema(routes.createRpzRule),
        response: { ...okResponse(routes.createRpzRule), ...errorResponses(...ERRORS) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.create(requireIdentity(request), request.body)),
  );
  app.patch(
    pathUnder(RPZ, routes.updateRpzRule),
    {
      schema: {
        tags: TAGS,
        summary: 'Change an RPZ rule',
        security: SECURITY,
        ...requestSchema(routes.updateRpzRule),
        response: { ...okResponse(routes.updateRpzRule), ...errorResponses(...ERRORS) },
      },
    },
    (request) => service.update(requireIdentity(request), request.params.id, request.body),
  );
  app.delete(
    pathUnder(RPZ, routes.deleteRpzRule),
    {
      schema: {
        tags: TAGS,
        summary: 'Delete an RPZ rule',
        security: SECURITY,
        ...requestSchema(routes.deleteRpzRule),
        response: { ...okResponse(routes.deleteRpzRule), ...errorResponses(...ERRORS) },
      },
    },
    async (request, reply) => {
      await service.remove(requireIdentity(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    pathUnder(RPZ, routes.importRpzRules),
    {
      bodyLimit: 25 * 1024 * 1024,
      schema: {
        tags: TAGS,
        summary: 'Import RPZ rules in bulk (JSON or CSV)',
        description:
          'CSV header: domain,action,redirectTo,category,comment. Runs as a job with progress events.',
        security: SECURITY,
        ...requestSchema(routes.importRpzRules),
        response: { ...okResponse(routes.importRpzRules), ...errorResponses(...ERRORS) },
      },
    },
    async (request, reply) => {
      const identity = requireIdentity(request);
      if (identity.role !== 'admin') throw new AppError('FORBIDDEN');
      const lines = parseImport(request.body.format, request.body.data, rpzRuleInputSchema);
      const job = await app.dns.jobs.start(
        identity,
        importJobSpec(lines, {
          kind: 'rpz_import',
          zone: null,
          authorize: jobRightsCheck(identity, { kind: 'admin' }),
          apply: async (items, chunk) => {
            await service.createMany(
              identity,
              items.map((i) => i.value),
              { job: chunk },
            );
          },
          chunkSize: 1000,
        }),
      );
      return reply.code(202).send(job);
    },
  );
  return Promise.resolve();
};
