import cookie from '@fastify/cookie';
import { roleAtLeast, type Role } from '@hdns/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AppConfig } from '../config.js';
import { AppError, isAppError } from '../http/app-error.js';
import { UserService } from '../users/user-service.js';
import { AccessTokens } from './access-tokens.js';
import { AuthService } from './auth-service.js';
import { bearerTokenFrom, invalidTokenHeaders } from './bearer-token.js';
import type { Identity } from './identity.js';
import { loadOrCreateJwtSecret } from './jwt-secret.js';
import { LoginLimiter } from './login-limiter.js';
import { RefreshTokenStore } from './refresh-token-store.js';
import { WsSessionSigner } from './ws-session-cookie.js';
import { checkTokenUser, TOKEN_USER_REFUSALS } from './token-user.js';
import { ApiTokenService } from '../tokens/api-token-service.js';
import { ApiTokenStore } from '../tokens/api-token-store.js';
import { ApiTokenVerifier } from '../tokens/api-token-verifier.js';
import { isApiTokenSecret } from '../tokens/api-token-secret.js';

/** A Fastify hook usable as `onRequest` or `preHandler`. */
export type AuthHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    accessTokens: AccessTokens;
    /** Stateless check of an access token (for the WebSocket layer). */
    verifyAccessToken(token: string): Promise<Identity>;
    /** Requires a valid bearer token of an existing, enabled user; sets `request.identity`. */
    authenticate: AuthHook;
    /** Authenticates (if not yet done) and requires the role or a higher one. */
    requireRole(role: Role): AuthHook;
    users: UserService;
    authService: AuthService;
    refreshTokens: RefreshTokenStore;
    /** Signs and reads `hdns_ws_session`, the login session as legacy WebSocket URLs see it. */
    wsSessions: WsSessionSigner;
    /** Login attempt limits; also count self-service password changes (account/). */
    loginLimiter: LoginLimiter;
    apiTokens: ApiTokenService;
    /** Checks an API token (`hdns_…`) and gives the identity it acts as (REST and /ws). */
    apiTokenVerifier: ApiTokenVerifier;
  }
  interface FastifyRequest {
    /** Set by `authenticate`; null on unauthenticated routes. */
    identity: Identity | null;
  }
}

/** The identity of an authenticated request; throws UNAUTHORIZED if the route forgot the hook. */
export function requireIdentity(request: FastifyRequest): Identity {
  if (!request.identity) throw new AppError('UNAUTHORIZED');
  return request.identity;
}

/** What a read-only API token may do. */
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthPluginOptions {
  config: AppConfig;
}

async function authPlugin(app: FastifyInstance, { config }: AuthPluginOptions): Promise<void> {
  await app.register(cookie);

  const secret = loadOrCreateJwtSecret(config.dataDir, config.jwtSecret);
  const accessTokens = new AccessTokens({ secret }, config.accessTokenTtlSeconds);
  const refreshTokens = new RefreshTokenStore(app.db, config.refreshTokenTtlSeconds);
  const users = new UserService(app.db, app.auditLog, refreshTokens);
  const limiter = new LoginLimiter(config.login);
  // preClose: a login waiting out its slow-down ends at once (NOT_READY) instead of holding
  // the shutdown, which waits for in-flight requests, for up to HDNS_LOGIN_SLOWDOWN_MAX.
  app.addHook('preClose', () => {
    limiter.close();
    return Promise.resolve();
  });

  const apiTokenStore = new ApiTokenStore(app.db);
  const apiTokens = new ApiTokenService(apiTokenStore, app.auditLog);
  const apiTokenVerifier = new ApiTokenVerifier({
    store: apiTokenStore,
    audit: app.auditLog,
    log: app.log,
  });
  apiTokens.onRevoke((token) => apiTokenVerifier.forget(token.id));
  // Token uses are audited beside their requests (api-token-verifier.ts): onClose runs once the
  // requests are done and, registered after storage, before the database closes.
  app.addHook('onClose', () => apiTokenVerifier.settled());

  const authenticateApiToken = async (request: FastifyRequest, token: string): Promise<void> => {
    let identity: Identity;
    try {
      identity = await apiTokenVerifier.verify(token, request.ip, 'rest');
    } catch (err) {
      if (isAppError(err)) {
        throw new AppError(err.code, undefined, {
          headers: invalidTokenHeaders(),
          message: err.message,
        });
      }
      throw err;
    }
    if (identity.readOnly && !READ_METHODS.has(request.method)) {
      throw new AppError('READ_ONLY_TOKEN');
    }
    request.identity = identity;
  };

  const authenticate: AuthHook = async (request) => {
    const token = bearerTokenFrom(request.headers.authorization);
    if (isApiTokenSecret(token)) {
      await authenticateApiToken(request, token);
      return;
    }
    let claims: Identity;
    try {
      claims = await accessTokens.verify(token);
    } catch (err) {
      if (isAppError(err))
        throw new AppError(err.code, undefined, { headers: invalidTokenHeaders() });
      throw err;
    }
    // Role, zones, the disabled flag and the token version come from storage, so a demotion,
    // a disable or a password change ends older tokens at once rather than when they expire.
    const check = await checkTokenUser(claims, refreshTokens);
    if (!check.ok) {
      throw new AppError('AUTH_FAILED', undefined, {
        headers: invalidTokenHeaders(),
        message: `Invalid token: ${TOKEN_USER_REFUSALS[check.reason]}`,
      });
    }
    const user = check.user;
    request.identity = { ...claims, username: user.username, role: user.role, zones: user.zones };
  };

  const requireRole = (role: Role): AuthHook => {
    return async (request, reply) => {
      if (!request.identity) await authenticate(request, reply);
      const identity = requireIdentity(request);
      if (!roleAtLeast(identity.role, role)) throw new AppError('FORBIDDEN', { required: role });
    };
  };

  app.decorateRequest('identity', null);
  app.decorate('accessTokens', accessTokens);
  app.decorate('verifyAccessToken', (token: string) => accessTokens.verify(token));
  app.decorate('authenticate', authenticate);
  app.decorate('requireRole', requireRole);
  app.decorate('users', users);
  app.decorate('refreshTokens', refreshTokens);
  app.decorate('wsSessions', new WsSessionSigner(secret));
  app.decorate('loginLimiter', limiter);
  app.decorate('apiTokens', apiTokens);
  app.decorate('apiTokenVerifier', apiTokenVerifier);
  app.decorate(
    'authService',
    new AuthService(users, refreshTokens, accessTokens, limiter, app.auditLog),
  );
}

/** Auth services and hooks, shared app-wide. Needs the storage plugin first. */
export const auth = fp(authPlugin, { name: 'hdns-auth', dependencies: ['hdns-storage'] });
