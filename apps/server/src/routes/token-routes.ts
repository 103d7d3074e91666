import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { routes } from '@hdns/protocol/rest';
import { requireIdentity } from '../auth/auth-plugin.js';
import { errorResponses } from '../http/error-schema.js';
import { okResponse, pathUnder, requestSchema } from '../http/route-contract.js';

const TOKENS = '/api/tokens';
const TAGS = ['tokens'];
const SECURITY = [{ bearerAuth: [] }];
const AUTH_ERRORS = ['UNAUTHORIZED', 'AUTH_FAILED', 'TOKEN_EXPIRED', 'READ_ONLY_TOKEN'] as const;

/**
 * API tokens: every signed-in user manages their own (a viewer makes viewer tokens), an admin
 * anyone's. Mounted at /api/tokens.
 */
export const tokenRoutes: FastifyPluginAsyncZod = (app) => {
  // onRequest, not preHandler: unauthenticated callers get 401 before any body validation.
  app.addHook('onRequest', app.authenticate);

  app.get(
    pathUnder(TOKENS, routes.listApiTokens),
    {
      schema: {
        tags: TAGS,
        summary: 'List API tokens',
        description:
          "The caller's tokens that are not revoked, newest first; `all=true` (admins only) lists everyone's.",
        security: SECURITY,
        ...requestSchema(routes.listApiTokens),
        response: {
          ...okResponse(routes.listApiTokens),
          ...errorResponses(...AUTH_ERRORS, 'FORBIDDEN'),
        },
      },
    },
    async (request) => ({
      tokens: await app.apiTokens.list(requireIdentity(request), request.query.all),
    }),
  );

  app.post(
    pathUnder(TOKENS, routes.createApiToken),
    {
      schema: {
        tags: TAGS,
        summary: 'Create an API token',
        description:
          'The answer holds the secret (`hdns_…`) this once; only its hash is kept. Send it as ' +
          '`Authorization: Bearer <secret>` on REST and /ws. The role defaults to, and may not ' +
          "exceed, the creator's; named zones must be the creator's (TOKEN_SCOPE_TOO_WIDE). At " +
          "each use the token acts with no more than its owner's current role and zones. A " +
          'read-only token is refused every method but GET and HEAD (READ_ONLY_TOKEN). Tokens ' +
          'are created by a signed-in user, not with another API token (FORBIDDEN).',
        security: SECURITY,
        ...requestSchema(routes.createApiToken),
        response: {
          ...okResponse(routes.createApiToken),
          ...errorResponses(...AUTH_ERRORS, 'FORBIDDEN', 'TOKEN_SCOPE_TOO_WIDE'),
        },
      },
    },
    async (request, reply) => {
      const created = await app.apiTokens.create(
        request.body,
        requireIdentity(request),
        request.ip,
      );
      return reply.code(201).send(created);
    },
  );

  app.delete(
    pathUnder(TOKENS, routes.revokeApiToken),
    {
      schema: {
        tags: TAGS,
        summary: 'Revoke an API token',
        description:
          "Your own token, or anyone's for an admin; it stops working at once and its WebSocket " +
          'connections close with CREDENTIALS_REVOKED.',
        security: SECURITY,
        ...requestSchema(routes.revokeApiToken),
        response: {
          ...okResponse(routes.revokeApiToken),
          ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      await app.apiTokens.revoke(request.params.id, requireIdentity(request), request.ip);
      return reply.code(204).send();
    },
  );
  return Promise.resolve();
};
