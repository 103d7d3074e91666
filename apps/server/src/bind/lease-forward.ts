import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../http/app-error.js';
import { FEED_LOAD_TIMEOUT_MS } from './policy-zones.js';

const FEEDS_PREFIX = '/api/feeds';
/** REST prefixes whose writes change what BIND serves. */
const DNS_PREFIXES = [
  '/api/zones',
  '/api/forwarders',
  '/api/rpz',
  '/api/settings/dns',
  '/api/tsig-keys',
  '/api/secondaries',
  // Blocklist feeds: their zones are the holder's named's, their compiled lists its data dir's.
  FEEDS_PREFIX,
];
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Set on a forwarded write: the fencing token of the lease it was forwarded under. */
export const LEASE_TOKEN_HEADER = 'x-hdns-lease-token';
/** Request headers the holder needs to treat a forwarded write as the client's own. */
const PASSED = ['authorization', 'content-type', 'accept', 'accept-language', 'user-agent'];
/** Longest a forwarded write may take (a large import answers 202 long before). */
const FORWARD_TIMEOUT_MS = 60_000;

/**
 * Longest the holder may take to answer the forwarded write to `route`. A feed write may refresh
 * the feed before it answers (POST /api/feeds/:id/refresh): the download (up to the feeds'
 * timeout, HDNS_FEEDS_TIMEOUT), then named loading the zone (up to FEED_LOAD_TIMEOUT_MS), on top
 * of the usual allowance for the compile and the locks.
 */
export function forwardTimeoutMs(route: string, feedDownloadTimeoutMs: number): number {
  const feeds = route === FEEDS_PREFIX || route.startsWith(`${FEEDS_PREFIX}/`);
  return feeds
    ? FORWARD_TIMEOUT_MS + feedDownloadTimeoutMs + FEED_LOAD_TIMEOUT_MS
    : FORWARD_TIMEOUT_MS;
}

function unavailable(message: string): AppError {
  return new AppError('BIND_UNAVAILABLE', undefined, {
    message,
    headers: { 'retry-after': '2' },
  });
}

/** True when the connection was refused or could not be made: the holder received nothing. */
function neverSent(err: unknown): boolean {
  const cause = err instanceof Error ? (err.cause as { code?: string } | undefined) : undefined;
  return ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(
    cause?.code ?? '',
  );
}

function bodyOf(request: FastifyRequest): string | Blob | undefined {
  const body = request.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  return Buffer.isBuffer(body) ? new Blob([new Uint8Array(body)]) : JSON.stringify(body);
}

/**
 * HDNS_BIND_LEASE: a DNS write (POST, PUT, PATCH, DELETE under a DNS_PREFIXES prefix: zones,
 * forwarders, rpz, the DNS settings, TSIG keys, secondaries, blocklist feeds) that reaches an
 * instance not holding the BIND lease is forwarded to the holder, and the holder's answer (its
 * status and body, after its named confirmed the serial) is the client's; within
 * forwardTimeoutMs (longer for a feed write, which may download and load a list first). Contract of the failures, none of them a silent loss:
 * - no holder (a takeover under way), the holder refused the connection, or a forwarded write
 *   reached an instance that lost the lease meanwhile: 503 BIND_UNAVAILABLE with Retry-After,
 *   nothing was changed;
 * - the holder stopped answering after it received the write: 502 BIND_OUTCOME_UNKNOWN, the
 *   change may have been applied (read it back before retrying).
 * Forwarded once at most: a write carrying the lease token header is never forwarded again.
 */
function leaseForward(
  app: FastifyInstance,
  options: {
    clientIp: (request: FastifyRequest['raw']) => string;
    /** The feeds' download timeout (HDNS_FEEDS_TIMEOUT), in ms: see forwardTimeoutMs. */
    feedDownloadTimeoutMs: number;
  },
): Promise<void> {
  const lease = app.bind.lease;
  if (!lease) return Promise.resolve();
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!WRITES.has(request.method)) return;
    // The route the router matched, not the raw URL: an encoded or doubled path that reaches a
    // DNS route is forwarded like the plain one.
    const route = request.routeOptions.url ?? '';
    if (!DNS_PREFIXES.some((p) => route === p || route.startsWith(`${p}/`))) return;
    const view = lease.current();
    const forwardedToken = request.headers[LEASE_TOKEN_HEADER];
    if (view.kind === 'mine') {
      if (forwardedToken !== undefined && Number(forwardedToken) !== view.token) {
        throw unavailable('the BIND lease changed hands while this write was forwarded; retry');
      }
      if (app.bind.managed === null) {
        throw unavailable('this instance just took the BIND lease and is starting named; retry');
      }
      return;
    }
    if (forwardedToken !== undefined) {
      throw unavailable('the BIND lease moved while this write was forwarded; retry');
    }
    if (view.kind === 'none') {
      throw unavailable('no instance holds the BIND lease (a takeover is under way); retry');
    }
    const headers: Record<string, string> = {
      [LEASE_TOKEN_HEADER]: String(view.token),
      'x-forwarded-for': options.clientIp(request.raw),
    };
    for (const name of PASSED) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const body = bodyOf(request);
    let res: Response;
    let payload: Buffer;
    try {
      res = await fetch(`${view.url}${request.url}`, {
        method: request.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(forwardTimeoutMs(route, options.feedDownloadTimeoutMs)),
      });
      payload = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      request.log.warn({ holder: view.holder, err }, 'forwarding a DNS write to the holder failed');
      if (neverSent(err)) throw unavailable('the instance driving BIND is not reachable; retry');
      throw new AppError('BIND_OUTCOME_UNKNOWN');
    }
    for (const name of ['content-type', 'retry-after', 'location']) {
      const value = res.headers.get(name);
      if (value !== null) void reply.header(name, value);
    }
    return reply.code(res.status).send(payload);
  });
  return Promise.resolve();
}

export const leaseForwarding = fp(leaseForward, {
  name: 'hdns-lease-forward',
  dependencies: ['hdns-bind'],
});
