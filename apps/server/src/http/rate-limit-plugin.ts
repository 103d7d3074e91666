import fastifyRateLimit from '@fastify/rate-limit';
import { addressKey } from '@hdns/hub';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { RateLimitConfig } from '../config.js';
import { AppError } from './app-error.js';

export interface RateLimitPluginOptions {
  limit: RateLimitConfig;
}

/** Users and addresses whose counts are kept at once; the plugin's default is 5,000. */
const RATE_LIMIT_KEYS = 100_000;

/** Bearer tokens look like this; anything else is not worth a signature check. */
const BEARER = /^Bearer[ ]+(\S+)\s*$/i;

/**
 * Only the REST API is limited. Probes (`/healthz`, `/readyz`), `/metrics` (its own access
 * rule), the API docs and the dashboard's static files are not: orchestrators and browsers
 * fetch those freely, and none of them writes anything. `/ws` upgrades never reach Fastify
 * (the hub has its own per-address admission).
 */
export function isRateLimitedPath(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  if (route !== undefined && !DASHBOARD_ROUTES.has(route)) return isApiPath(route);
  // No route, or the dashboard's catch-all (which answers 404 for /api paths it does not
  // serve): judge by the path, so probing unknown /api paths counts too.
  return isApiPath(request.url.split('?')[0] ?? '');
}

/** The dashboard's routes (static/static-plugin.ts): `/` and the catch-all. */
const DASHBOARD_ROUTES: ReadonlySet<string> = new Set(['/', '/*']);

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/**
 * The REST rate limit with @fastify/rate-limit's counting: `HDNS_RATE_LIMIT_MAX` requests per
 * `HDNS_RATE_LIMIT_WINDOW`, per user id when the request carries a valid access token and per
 * client address (`request.ip`, trusted proxies applied; IPv6 per /64) otherwise. A request
 * past it is refused before authentication, parsing or any work with 429 RATE_LIMITED, a
 * catalogue error body and Retry-After.
 *
 * The check runs in a root `onRequest` hook rather than the plugin's per-route hooks so it
 * comes before every route's own hooks (authentication included) and also covers requests that
 * match no route. A token is verified (signature and expiry only, no storage) to pick the key:
 * an unverified `sub` would let anyone spend another user's budget.
 */
async function rateLimitPlugin(
  app: FastifyInstance,
  { limit }: RateLimitPluginOptions,
): Promise<void> {
  // cache: keys tracked at once (least recently used dropped first); a drop forgets a count.
  await app.register(fastifyRateLimit, { global: false, cache: RATE_LIMIT_KEYS });

  const keyOf = async (request: FastifyRequest): Promise<string> => {
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (token) {
      try {
        return `user:${(await app.verifyAccessToken(token)).userId}`;
      } catch {
        // An invalid or expired token: the request is anonymous, counted by address.
      }
    }
    // The same key as login limits and /ws admission: IPv6 per /64, IPv4-mapped as IPv4.
    return `addr:${addressKey(request.ip)}`;
  };

  const check = app.createRateLimit({
    max: limit.max,
    timeWindow: limit.windowSeconds * 1000,
    keyGenerator: keyOf,
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!isRateLimitedPath(request)) return;
    const state = await check(request);
    if (state.isAllowed) return;
    reply.header('x-ratelimit-limit', String(state.max));
    reply.header('x-ratelimit-remaining', String(state.remaining));
    reply.header('x-ratelimit-reset', String(state.ttlInSeconds));
    if (!state.isExceeded) return;
    const retryAfterSeconds = Math.max(1, state.ttlInSeconds);
    throw new AppError(
      'RATE_LIMITED',
      { retryAfterSeconds },
      { headers: { 'retry-after': String(retryAfterSeconds) } },
    );
  });
}

/** Needs the auth plugin (token verification) first; register before the routes. */
export const rateLimit = fp(rateLimitPlugin, {
  name: 'hdns-rate-limit',
  dependencies: ['hdns-auth'],
});
