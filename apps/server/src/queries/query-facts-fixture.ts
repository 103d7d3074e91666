import type { QueryFacts, UpstreamFacts } from '../queries/query-facts.js';

/**
 * Test fixtures: an answered query and an upstream exchange as dnstap would report them, with
 * `overrides` for what a test is about. Shared by the statistics, metrics, detector and store tests.
 */

export function answeredQuery(overrides: Partial<QueryFacts> = {}): QueryFacts {
  const tsMs = overrides.tsMs ?? Date.UTC(2025, 0, 1);
  return {
    ts: new Date(tsMs).toISOString(),
    tsMs,
    clientIp: '10.0.0.1',
    clientPort: 40000,
    transport: 'udp',
    qname: 'www.example.test',
    qtype: 'A',
    qclass: 'IN',
    rcode: 'NOERROR',
    flags: '+E(0)',
    responseFlags: 'qr rd ra',
    answerCount: 1,
    answer: 'A 192.0.2.1',
    responseSize: 64,
    latencyMs: 1,
    blocked: false,
    rpzAction: null,
    node: 'ns1',
    server: '127.0.0.1',
    source: 'dnstap',
    ...overrides,
  };
}

export function upstreamExchange(overrides: Partial<UpstreamFacts> = {}): UpstreamFacts {
  return {
    tsMs: Date.UTC(2025, 0, 1),
    address: '192.0.2.53',
    port: 53,
    qname: 'www.example.test',
    qtype: 'A',
    rcode: 'NOERROR',
    latencyMs: 20,
    node: 'ns1',
    ...overrides,
  };
}
