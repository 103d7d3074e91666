import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireIdentity } from '../auth/auth-plugin.js';
import { AppError } from '../http/app-error.js';
import { errorResponses } from '../http/error-schema.js';
import {
  forwarderInputSchema,
  forwarderSchema,
  importBodySchema,
  jobSchema,
  rpzRuleInputSchema,
  rpzRulePatchSchema,
  rpzRuleSchema,
} from '../dns/dns-schemas.js';
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
] as const;
const idParams = z.object({ id: z.string().min(1).max(64) });

/** Global forwarders. Mounted at /api/forwarders. Everyone reads; admins change. */
export const forwarderRoutes: FastifyPluginAsyncZod = (app) => {
  app.addHook('onRequest', app.authenticate);
  const service = app.dns.forwarders;
  const TAGS = ['forwarders'];
  app.get(
    '',
    {
      schema: {
        tags: TAGS,
        summary: 'List global forwarders',
        security: SECURITY,
        response: {
          200: z.object({ forwarders: z.array(forwarderSchema) }),
          ...errorResponses(...ERRORS),
        },
      },
    },
    async () => ({
      forwarders: await service.list(),
    }),
  );
  app.post(
    '',
    {
      schema: {
        tags: TAGS,
        summary: 'Add a global forwarder',
        security: SECURITY,
        body: forwarderInputSchema,
        response: { 201: forwarderSchema, ...errorResponses(...ERRORS) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.create(requireIdentity(request), request.body)),
  );
  app.patch(
    '/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Change a forwarder',
        security: SECURITY,
        params: idParams,
        body: forwarderInputSchema.partial().extend({ version: z.number().int().positive() }),
        response: { 200: forwarderSchema, ...errorResponses(...ERRORS) },
      },
    },
    (request) => service.update(requireIdentity(request), request.params.id, request.body),
  );
  app.delete(
    '/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Remove a forwarder',
        security: SECURITY,
        params: idParams,
        response: { 204: z.null(), ...errorResponses(...ERRORS) },
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
    '/rules',
    {
      schema: {
        tags: TAGS,
        summary: 'List RPZ rules',
        security: SECURITY,
        response: {
          200: z.object({ rules: z.array(rpzRuleSchema) }),
          ...errorResponses(...ERRORS),
        },
      },
    },
    async () => ({
      rules: await service.list(),
    }),
  );
  app.post(
    '/rules',
    {
      schema: {
        tags: TAGS,
        summary: 'Add an RPZ rule',
        description:
          'nxdomain / nodata block, passthru allows, redirect answers with an address. `*.domain` matches subdomains. Applies at once.',
        security: SECURITY,
        body: rpzRuleInputSchema,
        response: { 201: rpzRuleSchema, ...errorResponses(...ERRORS) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.create(requireIdentity(request), request.body)),
  );
  app.patch(
    '/rules/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Change an RPZ rule',
        security: SECURITY,
        params: idParams,
        body: rpzRulePatchSchema,
        response: { 200: rpzRuleSchema, ...errorResponses(...ERRORS) },
      },
    },
    (request) => service.update(requireIdentity(request), request.params.id, request.body),
  );
  app.delete(
    '/rules/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Delete an RPZ rule',
        security: SECURITY,
        params: idParams,
        response: { 204: z.null(), ...errorResponses(...ERRORS) },
      },
    },
    async (request, reply) => {
      await service.remove(requireIdentity(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/rules/import',
    {
      bodyLimit: 25 * 1024 * 1024,
      schema: {
        tags: TAGS,
        summary: 'Import RPZ rules in bulk (JSON or CSV)',
        description:
          'CSV header: domain,action,redirectTo,category,comment. Runs as a job with progress events.',
        security: SECURITY,
        body: importBodySchema,
        response: { 202: jobSchema, ...errorResponses(...ERRORS) },
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
