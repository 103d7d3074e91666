import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { routes } from '@hdns/protocol/rest';
import { requireIdentity } from '../auth/auth-plugin.js';
import { renderZoneFile } from '../bind/zone-file-serializer.js';
import { compileZoneText } from '../bind/zone-compile.js';
import { transferZone } from '../bind/zone-transfer.js';
import { AppError } from '../http/app-error.js';
import { errorResponses } from '../http/error-schema.js';
import { okResponse, pathUnder, requestSchema } from '../http/route-contract.js';
import { ZoneFileImport } from '../dns/zone-file-import.js';
import { recordSpec, zoneSpec } from '../dns/zone-store.js';

const TAGS = ['zones'];
const SECURITY = [{ bearerAuth: [] }];
const ZONES = '/api/zones';
const READ_ERRORS = ['UNAUTHORIZED', 'AUTH_FAILED', 'TOKEN_EXPIRED', 'NOT_FOUND'] as const;
const IMPORT_ERRORS = [
  ...READ_ERRORS,
  'FORBIDDEN',
  'ZONE_NEEDS_ADMIN',
  'CONFLICT',
  'ZONE_READ_ONLY',
  'ZONE_FILE_INVALID',
  'ZONE_CHECK_FAILED',
  'BIND_RELOAD_FAILED',
  'BIND_UNAVAILABLE',
  'BIND_OUTCOME_UNKNOWN',
] as const;

const IMPORT_NOTES =
  'The text is normalized with named-compilezone ($INCLUDE refused); a file BIND cannot read is refused whole with 422 ZONE_FILE_INVALID and details.errors (line numbers of the text sent), and nothing is stored. Otherwise a job starts, as for JSON/CSV imports: bulk_operation_progress events, then bulk_operation_complete with one error per record the API refuses (unsupported type, bad value; `line` is the line of the text the record starts on, 0 where it cannot be placed, and the message starts with the record as BIND normalized it). The SOA is never imported as a record: with createZone the new zone takes its mname, rname and timers and the first $TTL; an existing zone keeps its own. Apex NS records are imported as records.';

/** Zone files in and out, mounted under /api/zones (registered by zone-routes.ts). */
export const zoneFileRoutes: FastifyPluginAsyncZod = (app) => {
  const { zones, records, jobs } = app.dns;
  const importer = new ZoneFileImport(zones, records, jobs, {
    compile: compileZoneText,
    transfer: transferZone,
  });

  app.post(
    pathUnder(ZONES, routes.importZoneFile),
    {
      // The text's limit is the schema's (MAX_ZONE_FILE_CHARS); JSON escaping may double it.
      bodyLimit: 20 * 1024 * 1024,
      schema: {
        tags: TAGS,
        summary: 'Import a BIND zone file',
        description: IMPORT_NOTES,
        security: SECURITY,
        ...requestSchema(routes.importZoneFile),
        response: { ...okResponse(routes.importZoneFile), ...errorResponses(...IMPORT_ERRORS) },
      },
    },
    async (request, reply) => {
      const { text, createZone } = request.body;
      const job = await importer.fromText(
        requireIdentity(request),
        request.params.zone,
        text,
        createZone,
      );
      return reply.code(202).send(job);
    },
  );

  app.post(
    pathUnder(ZONES, routes.importZoneAxfr),
    {
      schema: {
        tags: TAGS,
        summary: 'Import a zone by AXFR from another server',
        description: `Runs dig AXFR (+onesoa) against the given server (optional TSIG key; its secret goes to dig in a 0600 key file and appears nowhere else); a failed transfer (refused, bad key, timeout, over 4 MiB) is 502 ZONE_TRANSFER_FAILED. Then as a zone-file import. ${IMPORT_NOTES}`,
        security: SECURITY,
        ...requestSchema(routes.importZoneAxfr),
        response: {
          ...okResponse(routes.importZoneAxfr),
          ...errorResponses(...IMPORT_ERRORS, 'ZONE_TRANSFER_FAILED'),
        },
      },
    },
    async (request, reply) => {
      const { createZone, ...source } = request.body;
      const job = await importer.fromAxfr(
        requireIdentity(request),
        request.params.zone,
        source,
        createZone,
      );
      return reply.code(202).send(job);
    },
  );

  app.get(
    pathUnder(ZONES, routes.exportZone),
    {
      schema: {
        tags: TAGS,
        summary: 'Export a zone (BIND zone file or JSON)',
        description:
          'format=bind: the zone file exactly as the server renders it for BIND (text/plain, as an attachment); format=json: the zone and its records in their REST shapes. Anyone who may read the zone may export it.',
        security: SECURITY,
        ...requestSchema(routes.exportZone),
        response: {
          ...okResponse(routes.exportZone),
          ...errorResponses(...READ_ERRORS, 'FORBIDDEN', 'VALIDATION_ERROR'),
        },
      },
    },
    async (request, reply) => {
      const identity = requireIdentity(request);
      // get() checks the right to read the zone.
      const zone = await zones.get(identity, request.params.zone);
      const list = await records.list(identity, zone.name);
      if (request.query.format === 'json') {
        void reply.header('content-disposition', `attachment; filename="${zone.name}.json"`);
        return { zone, records: list };
      }
      if (zone.type !== 'primary') {
        throw new AppError('VALIDATION_ERROR', {
          message: `${zone.name} is a forward zone: it has no zone file (export it as json)`,
        });
      }
      const full = await zones.require(zone.name);
      const text = renderZoneFile(zoneSpec(full, full.serial ?? 1), list.map(recordSpec));
      return reply
        .header('content-type', 'text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${zone.name}.zone"`)
        .send(text);
    },
  );
  return Promise.resolve();
};
