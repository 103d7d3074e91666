import type { IncomingMessage } from 'node:http';
import type { ProxyTrust } from './trusted-proxies.js';

/**
 * The one computation of "the client's address" for REST (Fastify's `request.ip`, given the
 * same `ProxyTrust` as its `trustProxy` option) and for WebSocket upgrades, which never become
 * Fastify requests. Login limits, the REST rate limit, `/ws` admission, audit rows and event
 * payloads all see this value.
 *
 * Semantics are proxy-addr's (what Fastify uses): the hops are the socket peer followed by the
 * `X-Forwarded-For` entries from right to left; walk them while the current hop is a trusted
 * proxy; the client is the first untrusted hop (or the leftmost entry when every hop is
 * trusted). With no trusted proxies the answer is always the socket peer, whatever the header
 * says, and entries left of the first untrusted hop (which the client wrote itself) never
 * count. `client-address.test.ts` checks this function against Fastify's `request.ip` on a
 * real server.
 */

/**
 * The `X-Forwarded-For` entries from right (nearest hop) to left, as @fastify/forwarded splits
 * them: commas separate, spaces and tabs around an entry are dropped, empty entries skipped.
 * Kept byte-for-byte in step with that parser so REST and `/ws` can never disagree.
 */
export function forwardedHops(header: string | string[] | undefined): string[] {
  if (typeof header !== 'string' || header.length === 0) return [];
  // A single entry is trimmed with String#trim (all Unicode white space), as forwarded does.
  if (!header.includes(',')) {
    const only = header.trim();
    return only.length > 0 ? [only] : [];
  }
  const hops: string[] = [];
  let end = header.length;
  let start = end;
  for (let i = header.length - 1; i >= 0; i--) {
    const char = header[i];
    if (char === ' ' || char === '\t') {
      if (start === end) start = end = i;
    } else if (char === ',') {
      if (start !== end) hops.push(header.slice(start, end));
      start = end = i;
    } else {
      start = i;
    }
  }
  if (start !== end) hops.push(header.slice(start, end));
  return hops;
}

/** The client address of a raw request (REST or upgrade) under `trust`. */
export function clientAddress(req: IncomingMessage, trust: ProxyTrust): string {
  const peer = req.socket.remoteAddress;
  // A destroyed socket has no address; never trust (nor throw on) that.
  if (peer === undefined) return 'unknown';
  if (!trust(peer, 0)) return peer;
  const hops = forwardedHops(req.headers['x-forwarded-for']);
  let client = peer;
  for (let i = 0; i < hops.length; i++) {
    client = hops[i] ?? client;
    if (i === hops.length - 1 || !trust(client, i + 1)) break;
  }
  return client;
}
