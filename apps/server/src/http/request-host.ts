import type { IncomingMessage } from 'node:http';
import type { ProxyTrust } from './trusted-proxies.js';

/**
 * The one computation of "the host the client asked for" for REST (Fastify's `request.host`,
 * given the same `ProxyTrust` as its `trustProxy` option) and for WebSocket upgrades, which never
 * become Fastify requests. Origin checks compare a browser's Origin against it, so REST and
 * `/ws` must agree: otherwise a page a reverse proxy serves under its public name could use one
 * and be refused by the other, or an untrusted client could pick the host it is checked against.
 *
 * Semantics are Fastify's: `X-Forwarded-Host` counts only when the socket peer is a trusted
 * proxy, and then its last entry (the one the nearest proxy wrote), trimmed; otherwise the Host
 * header, or '' when there is none (HTTP/1.0). `request-host.test.ts` checks this against
 * Fastify's `request.host` on a real server.
 */
export function requestHost(req: IncomingMessage, trust: ProxyTrust): string {
  const forwarded = req.headers['x-forwarded-host'];
  const peer = req.socket.remoteAddress;
  // A destroyed socket has no address; never trust (nor throw on) that.
  if (typeof forwarded === 'string' && forwarded.length > 0 && peer !== undefined) {
    if (trust(peer, 0)) return lastEntry(forwarded);
  }
  return req.headers.host ?? '';
}

/** The last comma-separated entry: a header sent more than once arrives joined with ", ". */
function lastEntry(value: string): string {
  const comma = value.lastIndexOf(',');
  return (comma === -1 ? value : value.slice(comma + 1)).trim();
}
