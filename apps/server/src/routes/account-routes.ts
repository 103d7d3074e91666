import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CloseCode } from '@hdns/protocol';
import { routes, type TokenResponse } from '@hdns/protocol/rest';
import { AccountSessions } from '../account/account-sessions.js';
import { NotificationPreferencesStore } from '../account/notification-preferences-store.js';
import { PasswordChange } from '../account/password-change.js';
import { requireIdentity } from '../auth/auth-plugin.js';
import { setRefreshCookie } from '../auth/refresh-cookie.js';
import { AppError } from '../http/app-error.js';
import { errorResponses } from '../http/error-schema.js';
import { okResponse, pathUnder, requestSchema } from '../http/route-contract.js';

const ACCOUNT = '/api/account';
const TAGS = ['account'];
const SECURITY = [{ bearerAuth: [] }];
const AUTH_ERRORS = ['UNAUTHORIZED', 'AUTH_FAILED', 'TOKEN_EXPIRED', 'FORBIDDEN'] as const;
/** A password change body is two short strings. */
const PASSWORD_BODY_LIMIT = 16 * 1024;

/**
 * Self-service for any signed-in user (every role): their own password, login sessions and
 * notification preferences. Mounted at /api/account. Nothing here takes a user id: each route
 * acts on the user of the token.
 */
export const accountRoutes: FastifyPluginAsyncZod = (app) => {
  app.addHook('onRequest', app.authenticate);
  // A person's own account, from a password login only: an API token (automation) must not
  // change the password, start a login session or end the person's sessions.
  app.addHook('onRequest', (request, _reply, done) => {
    done(
      requireIdentity(request).apiTokenId === undefined
        ? undefined
        : new AppError('FORBIDDEN', undefined, {
            message: 'Your account is managed from a password login, not with an API token',
          }),
    );
  });
  const { config } = app;
  const sessions = new AccountSessions({
    tokens: app.refreshTokens,
    outbox: app.outbox,
    audit: app.auditLog,
    closeSockets: (sessionId) => {
      app.hub.disconnectCredential(sessionId, 'session ended', CloseCode.CREDENTIALS_REVOKED);
    },
  });
  const passwords = new PasswordChange(
    app.users,
    app.refreshTokens,
    app.accessTokens,
    app.loginLimiter,
    app.auditLog,
  );
  const preferences = new NotificationPreferencesStore(app.db);

  app.post(
    pathUnder(ACCOUNT, routes.changePassword),
    {
      bodyLimit: PASSWORD_BODY_LIMIT,
      schema: {
        tags: TAGS,
        summary: 'Change your own password',
        description:
          'Checks `currentPassword` under the login limits (429 TOO_MANY_ATTEMPTS with Retry-After past them; a wrong one is 400 CURRENT_PASSWORD_WRONG). The new password follows the same policy as an admin-set one. Every other session of the user ends (its refresh tokens are revoked, its sockets close with CREDENTIALS_REVOKED, its access tokens are refused); this session stays: the answer carries an access token of the new token version, and this session’s sockets close with PERMISSIONS_CHANGED to reconnect with it. When the token had no live session, a new one is started and its refresh cookie set.',
        security: SECURITY,
        ...requestSchema(routes.changePassword),
        response: {
          ...okResponse(routes.changePassword),
          ...errorResponses(
            ...AUTH_ERRORS,
            'VALIDATION_ERROR',
            'CURRENT_PASSWORD_WRONG',
            'TOO_MANY_ATTEMPTS',
            'STALE_VERSION',
            'PAYLOAD_TOO_LARGE',
          ),
        },
      },
    },
    async (request, reply): Promise<TokenResponse> => {
      const changed = await passwords.change(requireIdentity(request), {
        currentPassword: request.body.currentPassword,
        newPassword: request.body.newPassword,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      });
      if (changed.refresh) {
        const { raw, expiresAt, familyId } = changed.refresh;
        const wsSession = app.wsSessions.sign({
          userId: changed.user.id,
          sessionId: familyId,
          expiresAt,
        });
        setRefreshCookie(reply, raw, expiresAt, config, wsSession);
      }
      return {
        accessToken: changed.access.token,
        expiresIn: changed.access.expiresIn,
        tokenType: 'Bearer',
        user: changed.user,
      };
    },
  );

  app.get(
    pathUnder(ACCOUNT, routes.listAccountSessions),
    {
      schema: {
        tags: TAGS,
        summary: 'Your login sessions',
        description:
          'Every login of yours that can still refresh, newest activity first: when it logged in, when it last refreshed, from which address and user agent. `current` marks the session of this request’s token.',
        security: SECURITY,
        response: { ...okResponse(routes.listAccountSessions), ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (request) => {
      const identity = requireIdentity(request);
      return { sessions: await sessions.list(identity.userId, identity.sessionId) };
    },
  );

  app.delete(
    pathUnder(ACCOUNT, routes.endAccountSession),
    {
      schema: {
        tags: TAGS,
        summary: 'End one of your sessions',
        description:
          'Revokes the session’s refresh tokens, refuses its access tokens from now on and closes its sockets (CREDENTIALS_REVOKED); publishes `session_expired` (reason `revoked`, with the session id). Ending the current session signs this client out. 404 when the session is not yours or already ended.',
        security: SECURITY,
        ...requestSchema(routes.endAccountSession),
        response: {
          ...okResponse(routes.endAccountSession),
          ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      const identity = requireIdentity(request);
      if (!(await sessions.end(identity, request.params.id, request.ip))) {
        throw new AppError('NOT_FOUND');
      }
      return reply.code(204).send();
    },
  );

  app.post(
    pathUnder(ACCOUNT, routes.endOtherAccountSessions),
    {
      schema: {
        tags: TAGS,
        summary: 'End all your other sessions',
        description:
          'Ends every session of yours except the one of this request’s token (all of them when the token has none) in one step, as DELETE does for one (one `session_expired` per session ended).',
        security: SECURITY,
        response: {
          ...okResponse(routes.endOtherAccountSessions),
          ...errorResponses(...AUTH_ERRORS),
        },
      },
    },
    async (request) => {
      return { ended: await sessions.endOthers(requireIdentity(request), request.ip) };
    },
  );

  app.get(
    pathUnder(ACCOUNT, routes.getAccountPreferences),
    {
      schema: {
        tags: TAGS,
        summary: 'Your preferences',
        description:
          'For each event category, what the dashboard does with its live events: `toast` (a toast and an unread count), `unread` (only the count) or `quiet` (neither). Never saved: `toast` for all.',
        security: SECURITY,
        response: {
          ...okResponse(routes.getAccountPreferences),
          ...errorResponses(...AUTH_ERRORS),
        },
      },
    },
    async (request) => ({
      notifications: await preferences.get(requireIdentity(request).userId),
    }),
  );

  app.put(
    pathUnder(ACCOUNT, routes.putAccountPreferences),
    {
      schema: {
        tags: TAGS,
        summary: 'Replace your preferences',
        description: 'The whole map: every category with its mode.',
        security: SECURITY,
        ...requestSchema(routes.putAccountPreferences),
        response: {
          ...okResponse(routes.putAccountPreferences),
          ...errorResponses(...AUTH_ERRORS, 'VALIDATION_ERROR'),
        },
      },
    },
    async (request) => ({
      notifications: await preferences.put(
        requireIdentity(request).userId,
        request.body.notifications,
      ),
    }),
  );
  return Promise.resolve();
};
