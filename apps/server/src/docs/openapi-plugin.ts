import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { REFRESH_COOKIE } from '../auth/refresh-cookie.js';

export const DOCS_PREFIX = '/docs';

/**
 * OpenAPI 3.1 generated from the routes' zod schemas; UI at /docs, JSON at /docs/json.
 * Registered with fastify-plugin and before the routes, so swagger sees every route added later.
 */
async function openApiPlugin(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Hybrid DNS Server API',
        version: '0.1.0',
        description:
          'REST API of the Hybrid DNS Server. Every error answers `{code, message, details?}` ' +
          '(schema ErrorBody); switch on `code`. Every `/api` route is rate limited per user ' +
          '(per client address without a valid token): past the limit the answer is 429 ' +
          '`RATE_LIMITED` with `Retry-After` (seconds) and `X-RateLimit-*` headers.',
      },
      tags: [
        { name: 'auth', description: 'Login, token refresh, logout' },
        { name: 'users', description: 'User management (admin only)' },
        {
          name: 'account',
          description: 'Your own password, login sessions and notification preferences (any role)',
        },
        {
          name: 'tokens',
          description: 'API tokens: scoped, revocable credentials for scripts and the CLI',
        },
        { name: 'health', description: 'Liveness and readiness probes' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          refreshCookie: { type: 'apiKey', in: 'cookie', name: REFRESH_COOKIE },
        },
      },
    },
    transform: createJsonSchemaTransform({ skipList: [DOCS_PREFIX, `${DOCS_PREFIX}/*`] }),
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    // Its own CSP in place of the dashboard's: scripts from 'self' only, but inline styles
    // allowed (Swagger UI injects a <style> element); minus the upgrade-insecure-requests that
    // would break it on a plain-HTTP server.
    staticCSP: true,
    transformStaticCSP: (header) =>
      header
        .replace(/\s*upgrade-insecure-requests;?/, '')
        .replace(/style-src [^;]*;/, "style-src 'self' 'unsafe-inline';"),
  });
}

export const openApi = fp(openApiPlugin, { name: 'hdns-openapi' });
