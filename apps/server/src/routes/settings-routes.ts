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
  'VALIDATION_ERROR',
  'STALE_VERSION',
  'ZONE_CHECK_FAILED',
  'BIND_RELOAD_FAILED',
  'BIND_UNAVAILABLE',
  'BIND_OUTCOME_UNKNOWN',
  'DNSSEC_POLICY_IN_USE',
] as const;
const SETTINGS = '/api/settings';

/**
 * Server settings an administrator changes at run time. Mounted at /api/settings. Admins only,
 * reads included: the ACLs and listeners describe the network.
 */
export const settingsRoutes: FastifyPluginAsyncZod = (app) => {
  app.addHook('onRequest', app.authenticate);
  app.addHook('preHandler', (request, _reply, done) => {
    done(requireIdentity(request).role === 'admin' ? undefined : new AppError('FORBIDDEN'));
  });
  const service = app.dns.settings;
  const TAGS = ['settings'];
  app.get(
    pathUnder(SETTINGS, routes.getDnsSettings),
    {
      schema: {
        tags: TAGS,
        summary: 'How the managed named serves the network',
        description:
          'Listeners, allow-query and allow-recursion, recursion, DNSSEC validation, forward policy, response rate limiting, and the custom DNSSEC policies zones may sign with. Fields set by `HDNS_DNS_*` are listed in `locked`.',
        security: SECURITY,
        response: { ...okResponse(routes.getDnsSettings), ...errorResponses(...ERRORS) },
      },
    },
    () => service.view(),
  );
  app.put(
    pathUnder(SETTINGS, routes.updateDnsSettings),
    {
      schema: {
        tags: TAGS,
        summary: 'Change how the managed named serves the network',
        description:
          'The whole settings object with the version last read. Checked (addresses of this host, locked fields, then named-checkconf) before named is reconfigured; a refusal names the field in `details.issues[].path` and leaves named untouched. Each changed setting is a `config_change` event (scope `dns`; a DNSSEC policy as `dnssecPolicies.<name>`). Without `dnssecPolicies` the stored policies stay; removing one a zone signs with is 409 DNSSEC_POLICY_IN_USE naming the zones.',
        security: SECURITY,
        ...requestSchema(routes.updateDnsSettings),
        response: { ...okResponse(routes.updateDnsSettings), ...errorResponses(...ERRORS) },
      },
    },
    (request) => service.update(requireIdentity(request), request.body),
  );
  return Promise.resolve();
};
