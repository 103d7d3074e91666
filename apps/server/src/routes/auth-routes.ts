import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CloseCode } from '@hdns/protocol';
import { routes, type TokenResponse } from '@hdns/protocol/rest';
import { requireIdentity } from '../auth/auth-plugin.js';
import type { Session } from '../auth/auth-service.js';
import { REFRESH_COOKIE, clearRefreshCookie, setRefreshCookie } from '../auth/refresh-cookie.js';
import { isAppError } from '../http/app-error.js';
import { errorResponses } from '../http/error-schema.js';
import { okResponse, pathUnder, requestSchema } from '../http/route-contract.js';
import { assertAllowedOrigin } from '../http/origin-check.js';

const AUTH = '/api/auth';
const TAGS = ['auth'];
/** Credentials are tiny; a big body on an unauthenticated route is only ever abuse. */
const AUTH_BODY_LIMIT = 16 * 1024;

/** Login, refresh, logout and "who am I". Mounted at /api/auth. */
export const authRoutes: FastifyPluginAsyncZod = (app) => {
  const { config } = app;

  function respond(reply: FastifyReply, session: Session): TokenResponse {
    const wsSession = app.wsSessions.sign({
      userId: session.user.id,
      sessionId: session.sessionId,
      expiresAt: session.refreshExpiresAt,
    });
    setRefreshCookie(reply, session.refreshToken, session.refreshExpiresAt, config, wsSession);
    return {
      accessToken: session.access.token,
      expiresIn: session.access.expiresIn,
      tokenType: 'Bearer',
      user: session.user,
    };
  }

  const client = (ip: string, userAgent: string | undefined) => ({
    ip,
    userAgent: userAgent ?? null,
  });

  app.post(
    pathUnder(AUTH, routes.login),
    {
      bodyLimit: AUTH_BODY_LIMIT,
      schema: {
        tags: TAGS,
        summary: 'Log in with username and password',
        description:
          'Returns an access token and sets the HttpOnly refresh cookie `hdns_refresh` (path /api/auth) ' +
          'and `hdns_ws_session` (path /, no power of its own: the login session for the legacy WebSocket URLs). ' +
          'Attempts are counted as they start, per client address and per (address, username); ' +
          'past either limit the answer is 429 TOO_MANY_ATTEMPTS with Retry-After. A username ' +
          'attacked from many addresses is never locked: its further attempts answer more ' +
          'slowly (a growing, capped delay). A success clears the counts for that username.',
        ...requestSchema(routes.login),
        response: {
          ...okResponse(routes.login),
          ...errorResponses('INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS', 'PAYLOAD_TOO_LARGE'),
        },
      },
    },
    async (request, reply) => {
      const session = await app.authService.login({
        username: request.body.username,
        password: request.body.password,
        ...client(request.ip, request.headers['user-agent']),
      });
      return respond(reply, session);
    },
  );

  app.post(
    pathUnder(AUTH, routes.refresh),
    {
      bodyLimit: AUTH_BODY_LIMIT,
      schema: {
        tags: TAGS,
        summary: 'Exchange the refresh cookie for a new access token',
        description:
          'Rotates the refresh cookie. Presenting an already rotated token revokes the whole session (REFRESH_REUSED).',
        security: [{ refreshCookie: [] }],
        response: {
          ...okResponse(routes.refresh),
          ...errorResponses('REFRESH_INVALID', 'REFRESH_REUSED', 'ORIGIN_REFUSED'),
        },
      },
    },
    async (request, reply) => {
      assertAllowedOrigin(request, config.allowedOrigins);
      try {
        const session = await app.authService.refresh(
          request.cookies[REFRESH_COOKIE],
          client(request.ip, request.headers['user-agent']),
        );
        return respond(reply, session);
      } catch (err) {
        if (isAppError(err)) clearRefreshCookie(reply, config);
        throw err;
      }
    },
  );

  app.post(
    pathUnder(AUTH, routes.logout),
    {
      bodyLimit: AUTH_BODY_LIMIT,
      schema: {
        tags: TAGS,
        summary: 'End the session of the refresh cookie',
        description:
          'Revokes every refresh token of this login, closes its WebSockets (CREDENTIALS_REVOKED) and clears the cookie. Idempotent.',
        security: [{ refreshCookie: [] }],
        response: {
          ...okResponse(routes.logout),
          ...errorResponses('ORIGIN_REFUSED'),
        },
      },
    },
    async (request, reply) => {
      assertAllowedOrigin(request, config.allowedOrigins);
      // Signing out ends the session's sockets too (every tab of the browser shares them), on
      // every instance: they would otherwise stream until their access token expired.
      await app.authService.logout(
        request.cookies[REFRESH_COOKIE],
        client(request.ip, request.headers['user-agent']),
        (sessionId) =>
          app.hub.disconnectCredential(sessionId, 'signed out', CloseCode.CREDENTIALS_REVOKED),
      );
      clearRefreshCookie(reply, config);
      return reply.code(204).send();
    },
  );

  app.get(
    pathUnder(AUTH, routes.me),
    {
      onRequest: app.authenticate,
      schema: {
        tags: TAGS,
        summary: 'The authenticated user',
        security: [{ bearerAuth: [] }],
        response: {
          ...okResponse(routes.me),
          ...errorResponses('UNAUTHORIZED', 'AUTH_FAILED', 'TOKEN_EXPIRED'),
        },
      },
    },
    (request) => {
      const identity = requireIdentity(request);
      return Promise.resolve({
        id: identity.userId,
        username: identity.username,
        role: identity.role,
        zones: identity.zones,
      });
    },
  );
  return Promise.resolve();
};
