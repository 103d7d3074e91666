import { request, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestHost } from './request-host.js';
import { proxyTrust, type ProxyTrust } from './trusted-proxies.js';

/** A raw request with just what requestHost reads. */
function rawRequest(peer: string | undefined, headers: Record<string, string>): IncomingMessage {
  return { socket: { remoteAddress: peer } as Socket, headers } as IncomingMessage;
}

describe('requestHost', () => {
  const none = proxyTrust([]);
  const loopback = proxyTrust(['127.0.0.1']);
  const forwarded = { host: 'internal:3000', 'x-forwarded-host': 'dns.example' };

  it('is the Host header when no proxy is trusted, whatever X-Forwarded-Host says', () => {
    expect(requestHost(rawRequest('127.0.0.1', forwarded), none)).toBe('internal:3000');
  });

  it('takes X-Forwarded-Host (its last entry, trimmed) from a trusted peer only', () => {
    expect(requestHost(rawRequest('127.0.0.1', forwarded), loopback)).toBe('dns.example');
    expect(requestHost(rawRequest('::ffff:127.0.0.1', forwarded), loopback)).toBe('dns.example');
    const chain = { host: 'internal', 'x-forwarded-host': 'evil.example, dns.example ' };
    expect(requestHost(rawRequest('127.0.0.1', chain), loopback)).toBe('dns.example');
    expect(requestHost(rawRequest('127.0.0.2', forwarded), loopback)).toBe('internal:3000');
  });

  it('falls back to the Host header, or to nothing, without throwing', () => {
    expect(requestHost(rawRequest('127.0.0.1', { host: 'h' }), loopback)).toBe('h');
    expect(requestHost(rawRequest('127.0.0.1', {}), loopback)).toBe('');
    expect(requestHost(rawRequest(undefined, forwarded), loopback)).toBe('internal:3000');
  });
});

/**
 * The point of the shared function: for any Host / X-Forwarded-Host and trust list it gives
 * exactly Fastify's `request.host` (what REST's origin check uses), over real sockets.
 */
describe('requestHost agrees with Fastify request.host', () => {
  let app: FastifyInstance;
  let port = 0;
  let trust: ProxyTrust = proxyTrust([]);

  beforeAll(async () => {
    // trustProxy is fixed per instance: route through a trust that reads the current rule.
    app = Fastify({ trustProxy: (address, hop) => trust(address, hop) });
    app.get('/host', (req) =>
      Promise.resolve({ fastify: req.host, ours: requestHost(req.raw, trust) }),
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    port = address.port;
  });
  afterAll(() => app.close());

  /** node:http, unlike fetch, sends Host and a repeated X-Forwarded-Host exactly as given. */
  function hosts(headers: OutgoingHttpHeaders): Promise<{ fastify: string; ours: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/host', headers }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(JSON.parse(text) as { fastify: string; ours: string }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  const name = fc.oneof(
    fc.constantFrom('dns.example', 'dns.example:8443', '[::1]:3000', ' spaced ', ''),
    fc.string({ unit: fc.constantFrom('a', '.', ':', ',', ' ', '\t', '1'), maxLength: 10 }),
  );
  const lists = fc.constantFrom(
    [] as string[],
    ['127.0.0.1'],
    ['10.0.0.0/8'],
    ['127.0.0.0/8', '::1'],
  );

  it('for generated headers and trust lists', async () => {
    await fc.assert(
      fc.asyncProperty(
        lists,
        fc.constantFrom('h.example', 'h.example:80'),
        fc.array(name, { maxLength: 3 }),
        async (list, host, forwardedHosts) => {
          trust = proxyTrust(list);
          const headers: OutgoingHttpHeaders = { host };
          if (forwardedHosts.length === 1) headers['x-forwarded-host'] = forwardedHosts[0];
          // Sent as repeated header lines, which Node joins with ", ".
          else if (forwardedHosts.length > 1) headers['x-forwarded-host'] = forwardedHosts;
          const body = await hosts(headers);
          expect(body.ours).toBe(body.fastify);
        },
      ),
      { seed: 20261205, numRuns: 200 },
    );
  });
});
