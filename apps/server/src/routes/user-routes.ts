import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireIdentity } from '../auth/auth-plugin.js';
import { routes } from '@hdns/protocol/rest';
import { errorResponses } from '../http/error-schema.js';
import { okResponse, pathUnder, requestSchema } from '../http/route-contract.js';
import type { ActionContext } from '../users/user-service.js';

const USERS = '/api/users';
const TAGS = ['users'];
const SECURITY = [{ bearerAuth: [] }];
const AUTH_ERRORS = ['UNAUTHORIZED', 'AUTH_FAILED', 'TOKEN_EXPIRED', 'FORBIDDEN'] as const;

function actionContext(request: FastifyRequest): ActionContext {
  const identity = requireIdentity(request);
  return { actor: { userId: identity.userId, username: identity.username }, ip: request.ip };
}

/** Admin-only user management. Mounted at /api/users. */
export const userRoutes: FastifyPluginAsyncZod = (app) => {
  // onRequest, not preHandler: unauthenticated callers get 401/403 before any body validation.
  app.addHook('onRequest', app.requireRole('admin'));

  // '' rather than '/': the collection is /api/users, without a trailing slash.
  app.get(
    pathUnder(USERS, routes.listUsers),
    {
      schema: {
        tags: TAGS,
        summary: 'List users',
        security: SECURITY,
        response: { ...okResponse(routes.listUsers), ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async () => ({ users: await app.users.list() }),
  );

  app.post(
    pathUnder(USERS, routes.createUser),
    {
      schema: {
        tags: TAGS,
        summary: 'Create a user',
        description:
          '`zones: null` (or omitted) means all zones; admins are never limited to zones.',
        security: SECURITY,
        ...requestSchema(routes.createUser),
        response: {
          ...okResponse(routes.createUser),
          ...errorResponses(...AUTH_ERRORS, 'USERNAME_TAKEN'),
        },
      },
    },
    async (request, reply) => {
      const user = await app.users.create(request.body, actionContext(request));
      return reply.code(201).send(user);
    },
  );

  app.get(
    pathUnder(USERS, routes.getUser),
    {
      schema: {
        tags: TAGS,
        summary: 'Get a user',
        security: SECURITY,
        ...requestSchema(routes.getUser),
        response: { ...okResponse(routes.getUser), ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    (request) => app.users.get(request.params.id),
  );

  app.patch(
    pathUnder(USERS, routes.updateUser),
    {
      schema: {
        tags: TAGS,
        summary: 'Update a user',
        description:
          'Send the `version` you read; if the user changed since, the answer is 409 STALE_VERSION. ' +
          'The last active admin cannot be demoted or disabled (LAST_ADMIN). A password change or ' +
          'a disable ends all of the user’s sessions.',
        security: SECURITY,
        ...requestSchema(routes.updateUser),
        response: {
          ...okResponse(routes.updateUser),
          ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND', 'STALE_VERSION', 'LAST_ADMIN'),
        },
      },
    },
    (request) => app.users.update(request.params.id, request.body, actionContext(request)),
  );

  app.delete(
    pathUnder(USERS, routes.deleteUser),
    {
      schema: {
        tags: TAGS,
        summary: 'Delete a user',
        security: SECURITY,
        ...requestSchema(routes.deleteUser),
        response: {
          ...okResponse(routes.deleteUser),
          ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND', 'LAST_ADMIN'),
        },
      },
    },
    async (request, reply) => {
      await app.users.delete(request.params.id, actionContext(request));
      return reply.code(204).send();
    },
  );
  return Promise.resolve();
};
