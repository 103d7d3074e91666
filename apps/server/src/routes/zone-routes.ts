import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireIdentity } from '../auth/auth-plugin.js';
import { AppError } from '../http/app-error.js';
import { errorResponses } from '../http/error-schema.js';
import { okResponse, pathUnder, requestSchema } from '../http/route-contract.js';
import { recordInputSchema, routes } from '@hdns/protocol/rest';
import { importJobSpec, parseImport } from '../dns/bulk-parse.js';
import { assertWriteZone } from '../dns/zone-access.js';
import { jobRightsCheck } from '../dns/job-rights.js';
import { assertHoldsRecords } from '../dns/zone-service.js';
import { zoneFileRoutes } from './zone-file-routes.js';

const TAGS = ['zones'];
const SECURITY = [{ bearerAuth: [] }];
const READ_ERRORS = ['UNAUTHORIZED', 'AUTH_FAILED', 'TOKEN_EXPIRED', 'NOT_FOUND'] as const;
const WRITE_ERRORS = [
  ...READ_ERRORS,
  'FORBIDDEN',
  'ZONE_NEEDS_ADMIN',
  'STALE_VERSION',
  'INVALID_RECORD',
  'ZONE_CHECK_FAILED',
  'BIND_RELOAD_FAILED',
  'BIND_UNAVAILABLE',
  'BIND_OUTCOME_UNKNOWN',
  'EVENT_NOT_REPRESENTABLE',
  'DNSSEC_POLICY_UNKNOWN',
  'ZONE_READ_ONLY',
  'TSIG_KEY_UNKNOWN',
] as const;

const ZONES = '/api/zones';
const JOBS = '/api/jobs';

/** Zones and their records. Mounted at /api/zones. Viewers read; operators write granted zones. */
export const zoneRoutes: FastifyPluginAsyncZod = (app) => {
  app.addHook('onRequest', app.authenticate);
  const { zones, records, jobs } = app.dns;

  app.get(
    pathUnder(ZONES, routes.listZones),
    {
      schema: {
        tags: TAGS,
        summary: 'List zones',
        security: SECURITY,
        response: {
          ...okResponse(routes.listZones),
          ...errorResponses(...READ_ERRORS),
        },
      },
    },
    async (request) => ({
      zones: await zones.list(requireIdentity(request)),
    }),
  );

  app.post(
    pathUnder(ZONES, routes.createZone),
    {
      schema: {
        tags: TAGS,
        summary: 'Create a zone',
        description:
          'Written to BIND and checked before it is stored; the serial is managed by the server.',
        security: SECURITY,
        ...requestSchema(routes.createZone),
        response: {
          ...okResponse(routes.createZone),
          ...errorResponses(...WRITE_ERRORS, 'CONFLICT'),
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await zones.create(requireIdentity(request), request.body)),
  );

  app.get(
    pathUnder(ZONES, routes.getZone),
    {
      schema: {
        tags: TAGS,
        summary: 'Get a zone',
        security: SECURITY,
        ...requestSchema(routes.getZone),
        response: { ...okResponse(routes.getZone), ...errorResponses(...READ_ERRORS) },
      },
    },
    (request) => zones.get(requireIdentity(request), request.params.zone),
  );

  app.patch(
    pathUnder(ZONES, routes.updateZone),
    {
      schema: {
        tags: TAGS,
        summary: 'Change a zone',
        security: SECURITY,
        ...requestSchema(routes.updateZone),
        response: { ...okResponse(routes.updateZone), ...errorResponses(...WRITE_ERRORS) },
      },
    },
    (request) => zones.update(requireIdentity(request), request.params.zone, request.body),
  );

  app.delete(
    pathUnder(ZONES, routes.deleteZone),
    {
      schema: {
        tags: TAGS,
        summary: 'Delete a zone and its records',
        security: SECURITY,
        ...requestSchema(routes.deleteZone),
        response: { ...okResponse(routes.deleteZone), ...errorResponses(...WRITE_ERRORS) },
      },
    },
    async (request, reply) => {
      await zones.remove(requireIdentity(request), request.params.zone, request.query.version);
      return reply.code(204).send(null);
    },
  );

  app.get(
    pathUnder(ZONES, routes.listRecords),
    {
      schema: {
        tags: TAGS,
        summary: "List a zone's records",
        security: SECURITY,
        ...requestSchema(routes.listRecords),
        response: {
          ...okResponse(routes.listRecords),
          ...errorResponses(...READ_ERRORS),
        },
      },
    },
    async (request) => ({
      records: await records.list(requireIdentity(request), request.params.zone),
    }),
  );

  app.post(
    pathUnder(ZONES, routes.createRecord),
    {
      schema: {
        tags: TAGS,
        summary: 'Add a record',
        description:
          'Validated per type, then the zone is rendered, checked with named-checkzone and reloaded; the new serial is confirmed.',
        security: SECURITY,
        ...requestSchema(routes.createRecord),
        response: { ...okResponse(routes.createRecord), ...errorResponses(...WRITE_ERRORS) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await records.create(requireIdentity(request), request.params.zone, request.body)),
  );

  app.put(
    pathUnder(ZONES, routes.updateRecord),
    {
      schema: {
        tags: TAGS,
        summary: 'Replace a record',
        description:
          'Carries the version read; a stale one gets 409 STALE_VERSION with the current record.',
        security: SECURITY,
        ...requestSchema(routes.updateRecord),
        response: { ...okResponse(routes.updateRecord), ...errorResponses(...WRITE_ERRORS) },
      },
    },
    (request) => {
      const { version, ...input } = request.body;
      return records.update(
        requireIdentity(request),
        request.params.zone,
        request.params.id,
        recordInputSchema.parse(input),
        version,
      );
    },
  );

  app.delete(
    pathUnder(ZONES, routes.deleteRecord),
    {
      schema: {
        tags: TAGS,
        summary: 'Delete a record',
        security: SECURITY,
        ...requestSchema(routes.deleteRecord),
        response: { ...okResponse(routes.deleteRecord), ...errorResponses(...WRITE_ERRORS) },
      },
    },
    async (request, reply) => {
      await records.remove(
        requireIdentity(request),
        request.params.zone,
        request.params.id,
        request.query.version,
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    pathUnder(ZONES, routes.importRecords),
    {
      bodyLimit: 25 * 1024 * 1024,
      schema: {
        tags: TAGS,
        summary: 'Import records in bulk (JSON or CSV)',
        description:
          'Starts a job and answers at once. Progress arrives as bulk_operation_progress events; bulk_operation_complete lists per-line errors. Bad lines never cost the good ones. CSV header: name,type,ttl,value,priority,weight,port,flags,tag.',
        security: SECURITY,
        ...requestSchema(routes.importRecords),
        response: { ...okResponse(routes.importRecords), ...errorResponses(...WRITE_ERRORS) },
      },
    },
    async (request, reply) => {
      const identity = requireIdentity(request);
      const zone = await zones.require(request.params.zone);
      // Authorize before starting: a job must not exist for a zone the caller cannot write.
      assertWriteZone(identity, zone.name);
      assertHoldsRecords(zone);
      const lines = parseImport(request.body.format, request.body.data, recordInputSchema);
      const job = await jobs.start(
        identity,
        importJobSpec(lines, {
          kind: 'record_import',
          zone: zone.name,
          // Re-checked as every chunk is stored: demoted, disabled, un-granted or signed-out
          // (token revoked) users stop the job.
          authorize: jobRightsCheck(identity, { kind: 'write_zone', zone: zone.name }),
          apply: async (items, chunk) => {
            await records.createMany(
              identity,
              zone.name,
              items.map((i) => i.value),
              { job: chunk },
            );
          },
        }),
      );
      return reply.code(202).send(job);
    },
  );
  // Zone-file and AXFR imports and exports, under the same prefix and authentication.
  void app.register(zoneFileRoutes);
  return Promise.resolve();
};

/**
 * Job status. Mounted at /api/jobs. A job is its starter's (and admins'): its counts and line
 * errors describe that user's import, so anyone else gets the same 404 as for a job that does
 * not exist, which does not tell them it does.
 */
export const jobRoutes: FastifyPluginAsyncZod = (app) => {
  app.addHook('onRequest', app.requireRole('operator'));
  app.get(
    pathUnder(JOBS, routes.getJob),
    {
      schema: {
        tags: ['jobs'],
        summary: 'Status of a bulk job',
        description:
          "Only the job's starter and admins see it; for anyone else it is 404 NOT_FOUND, as if it did not exist.",
        security: SECURITY,
        ...requestSchema(routes.getJob),
        response: { ...okResponse(routes.getJob), ...errorResponses(...READ_ERRORS, 'FORBIDDEN') },
      },
    },
    async (request) => {
      const identity = requireIdentity(request);
      const job = await app.dns.jobs.get(request.params.id);
      if (!job || (identity.role !== 'admin' && job.createdBy !== identity.userId)) {
        throw new AppError('NOT_FOUND');
      }
      return job;
    },
  );
  return Promise.resolve();
};
