import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { routes } from '@hdns/protocol/rest';
import { requireIdentity } from '../auth/auth-plugin.js';
import { readZoneDnssec, unsignedZoneDnssec } from '../bind/zone-dnssec.js';
import { AppError } from '../http/app-error.js';
import { errorResponses } from '../http/error-schema.js';
import { okResponse, pathUnder, requestSchema } from '../http/route-contract.js';

/**
 * A zone's DNSSEC keys, their states and the DS records for the parent. Mounted at /api/zones
 * beside zone-routes.ts; whoever may read the zone may read this (public data, the DNSKEY and
 * DS are published in DNS anyway).
 */
export const dnssecRoutes: FastifyPluginAsyncZod = (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    pathUnder('/api/zones', routes.getZoneDnssec),
    {
      schema: {
        tags: ['zones'],
        summary: "A zone's DNSSEC keys, key states and DS records",
        description:
          'From `rndc dnssec -status` and `dnssec-dsfromkey -2` on the key-signing keys. An ' +
          'unsigned zone answers policy null and empty lists.',
        security: [{ bearerAuth: [] }],
        ...requestSchema(routes.getZoneDnssec),
        response: {
          ...okResponse(routes.getZoneDnssec),
          ...errorResponses(
            'UNAUTHORIZED',
            'AUTH_FAILED',
            'TOKEN_EXPIRED',
            'NOT_FOUND',
            'FORBIDDEN',
            'BIND_UNAVAILABLE',
            'BIND_RELOAD_FAILED',
          ),
        },
      },
    },
    async (request) => {
      const zone = await app.dns.zones.get(requireIdentity(request), request.params.zone);
      const policy = zone.type === 'primary' ? zone.dnssecPolicy : null;
      if (policy === null) return unsignedZoneDnssec(zone.name);
      const bind = app.bind.managed ?? app.bind.system ?? null;
      if (bind === null) {
        throw new AppError('BIND_UNAVAILABLE', { message: `BIND is ${app.bind.mode}` });
      }
      return readZoneDnssec({ tools: bind.tools, layout: bind.layout }, zone.name, policy);
    },
  );
  return Promise.resolve();
};
