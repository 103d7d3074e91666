import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress, forwardedHops } from './client-address.js';
import { proxyTrust, type ProxyTrust } from './trusted-proxies.js';

/** A raw request with just what clientAddress reads. */
function rawRequest(peer: string | undefined, forwardedFor?: string): IncomingMessage {
  const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
  return { socket: { remoteAddress: peer } as Socket, headers } as IncomingMessage;
}

describe('clientAddress', () => {
  const none = proxyTrust([]);
  const loopback = proxyTrust(['127.0.0.1']);
  const twoHops = proxyTrust(['127.0.0.1', '10.0.0.0/8']);

  it('with no trusted proxies is the socket peer whatever the header says', () => {
    expect(clientAddress(rawRequest('127.0.0.1', '1.2.3.4'), none)).toBe('127.0.0.1');
    expect(clientAddress(rawRequest('203.0.113.5', '127.0.0.1'), none)).toBe('203.0.113.5');
  });

  it('takes the forwarded address from a trusted peer', () => {
    expect(clientAddress(rawRequest('127.0.0.1', '1.2.3.4'), loopback)).toBe('1.2.3.4');
    expect(clientAddress(rawRequest('::ffff:127.0.0.1', '1.2.3.4'), loopback)).toBe('1.2.3.4');
    expect(clientAddress(rawRequest('127.0.0.1'), loopback)).toBe('127.0.0.1');
    expect(clientAddress(rawRequest('127.0.0.1', ' , '), loopback)).toBe('127.0.0.1');
  });

  it('ignores the header from an untrusted peer', () => {
    expect(clientAddress(rawRequest('127.0.0.2', '1.2.3.4'), loopback)).toBe('127.0.0.2');
  });

  it('stops at the first untrusted hop from the right, so spoofed entries on the left never count', () => {
    expect(clientAddress(rawRequest('127.0.0.1', '6.6.6.6, 1.2.3.4'), loopback)).toBe('1.2.3.4');
    expect(clientAddress(rawRequest('127.0.0.1', '6.6.6.6, 1.2.3.4, 10.1.1.1'), twoHops)).toBe(
      '1.2.3.4',
    );
    // Every hop trusted: the leftmost entry is the client.
    expect(clientAddress(rawRequest('127.0.0.1', '10.9.9.9, 10.1.1.1'), twoHops)).toBe('10.9.9.9');
  });

  it('never throws on a socket without an address', () => {
    expect(clientAddress(rawRequest(undefined, '1.2.3.4'), loopback)).toBe('unknown');
  });

  it('splits X-Forwarded-For as @fastify/forwarded does', () => {
    expect(forwardedHops('a, b,c ,,\td')).toEqual(['d', 'c', 'b', 'a']);
    expect(forwardedHops('  a  ')).toEqual(['a']);
    expect(forwardedHops('')).toEqual([]);
    expect(forwardedHops(undefined)).toEqual([]);
  });
});

/**
 * The point of the shared function: for any header and trust list it gives exactly Fastify's
 * `request.ip` (what REST uses), checked on a real server over real sockets.
 */
describe('clientAddress agrees with Fastify request.ip', () => {
  let app: FastifyInstance;
  let url = '';
  let trust: ProxyTrust = proxyTrust([]);

  beforeAll(async () => {
    // trustProxy is fixed per instance: route through a trust that reads the current rule.
    app = Fastify({ trustProxy: (address, hop) => trust(address, hop) });
    app.get('/ip', (request) =>
      Promise.resolve({ fastify: request.ip, ours: clientAddress(request.raw, trust) }),
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    url = `http://127.0.0.1:${address.port}/ip`;
  });
  afterAll(() => app.close());

  // Mostly addresses some list trusts, so walks often go deep into the chain.
  const hop = fc.oneof(
    {
      arbitrary: fc.constantFrom('127.0.0.1', '10.1.2.3', '6.6.6.6', '::1', '::ffff:10.0.0.1'),
      weight: 6,
    },
    { arbitrary: fc.constantFrom('unknown', '', ' ', '1.2.3.4:80', '[::1]'), weight: 1 },
    { arbitrary: fc.ipV4(), weight: 1 },
    { arbitrary: fc.ipV6(), weight: 1 },
    {
      arbitrary: fc.string({
        unit: fc.constantFrom('1', '.', ':', ' ', '\t', ',', 'a', 'f'),
        maxLength: 12,
      }),
      weight: 1,
    },
  );
  const lists = fc.constantFrom(
    [] as string[],
    ['127.0.0.1'],
    ['127.0.0.0/8', '10.0.0.0/8'],
    ['127.0.0.1', '::1', '6.6.6.6'],
  );

  it('for generated X-Forwarded-For chains and trust lists', async () => {
    await fc.assert(
      fc.asyncProperty(lists, fc.array(hop, { maxLength: 6 }), async (list, hops) => {
        trust = proxyTrust(list);
        const res = await fetch(url, { headers: { 'x-forwarded-for': hops.join(',') } });
        const body = (await res.json()) as { fastify: string; ours: string };
        expect(body.ours).toBe(body.fastify);
      }),
      { seed: 20261204, numRuns: 400 },
    );
  });
});
