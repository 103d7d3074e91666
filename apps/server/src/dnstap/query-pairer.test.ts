import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import type { QueryFacts, UpstreamFacts } from '../queries/query-facts.js';
import { addressHash } from './address-text.js';
import { MessageType, SocketProtocol, type DnstapMessage } from './dnstap-message.js';
import { QueryPairer } from './query-pairer.js';

const q = (id: number, name = 'www.example.test') =>
  dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: 'A', name }],
  });
const r = (id: number, name = 'www.example.test', rcode = 0) =>
  dnsPacket.encode({
    type: 'response',
    id,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcode,
    questions: [{ type: 'A', name }],
    answers: rcode === 0 ? [{ type: 'A', name, ttl: 60, data: '192.0.2.1' }] : [],
  });

/** The hash decodeDnstap gives an IPv4 address's text (a test may force a collision). */
const hashOf = (ip: string): number => addressHash(Buffer.from(ip.split('.').map(Number)), 0, 4);

function msg(over: Partial<DnstapMessage>): DnstapMessage {
  const queryAddress = over.queryAddress === undefined ? '192.0.2.55' : over.queryAddress;
  return {
    identity: 'node-a',
    type: MessageType.CLIENT_QUERY,
    socketFamily: 1,
    socketProtocol: SocketProtocol.UDP,
    queryAddress,
    queryAddressHash: queryAddress === null ? 0 : hashOf(queryAddress),
    responseAddress: '192.0.2.53',
    queryPort: 40000,
    responsePort: 53,
    queryTimeMs: null,
    responseTimeMs: null,
    queryMessage: null,
    responseMessage: null,
    ...over,
  };
}

function setup(opts: { maxPending?: number; timeoutMs?: number } = {}) {
  let now = 1_000_000;
  const facts: QueryFacts[] = [];
  const ups: UpstreamFacts[] = [];
  const pairer = new QueryPairer({
    rpzZones: () => [],
    onQuery: (f) => facts.push(f),
    onUpstream: (u) => ups.push(u),
    now: () => now,
    ...opts,
  });
  return { pairer, facts, ups, advance: (ms: number) => (now += ms), now: () => now };
}

const cq = (id: number, port = 40000, t = 5_000) =>
  msg({ type: MessageType.CLIENT_QUERY, queryPort: port, queryTimeMs: t, queryMessage: q(id) });
const cr = (id: number, port = 40000, t = 5_012, proto: number = SocketProtocol.UDP) =>
  msg({
    type: MessageType.CLIENT_RESPONSE,
    queryPort: port,
    responseTimeMs: t,
    responseMessage: r(id),
    socketProtocol: proto,
  });

describe('QueryPairer', () => {
  it('joins a client query and its response into one record with latency', () => {
    const { pairer, facts } = setup();
    pairer.push(cq(7));
    pairer.push(cr(7));
    expect(facts).toEqual([
      {
        ts: new Date(5_012).toISOString(),
        tsMs: 5_012,
        clientIp: '192.0.2.55',
        clientPort: 40000,
        transport: 'udp',
        qname: 'www.example.test',
        qtype: 'A',
        qclass: 'IN',
        rcode: 'NOERROR',
        flags: '+',
        responseFlags: 'qr rd ra',
        answerCount: 1,
        answer: 'A 192.0.2.1',
        responseSize: r(7).length,
        latencyMs: 12,
        blocked: false,
        rpzAction: null,
        node: 'node-a',
        server: '192.0.2.53',
        source: 'dnstap',
      },
    ]);
    expect(pairer.counters).toMatchObject({ paired: 1, unpaired: 0 });
    expect(pairer.pending).toBe(0);
  });

  it('pairs an authoritative exchange (AUTH_QUERY with CLIENT_ or AUTH_RESPONSE)', () => {
    const { pairer, facts } = setup();
    pairer.push({ ...cq(8), type: MessageType.AUTH_QUERY });
    pairer.push(cr(8, 40000, 5_003));
    pairer.push({ ...cq(9, 40001), type: MessageType.AUTH_QUERY });
    pairer.push({ ...cr(9, 40001, 5_001), type: MessageType.AUTH_RESPONSE });
    expect(facts.map((f) => [f.clientPort, f.latencyMs])).toEqual([
      [40000, 3],
      [40001, 1],
    ]);
    expect(pairer.counters).toMatchObject({ paired: 2, unpaired: 0 });
  });

  it('keeps facts for a response without its query (latency null)', () => {
    const { pairer, facts } = setup();
    pairer.push(cr(8));
    expect(facts[0]).toMatchObject({ latencyMs: null, rcode: 'NOERROR', flags: '+' });
    expect(pairer.counters.unpaired).toBe(1);
  });

  it('keeps colliding clients apart: each response joins its own query (the key hashes the address)', () => {
    const { pairer, facts } = setup();
    // 192.0.2.55 and 10.0.0.1 forced to the same hash: the same numeric key.
    const other = { queryAddress: '10.0.0.1', queryAddressHash: hashOf('192.0.2.55') };
    pairer.push(cq(5));
    pairer.push({ ...cq(5, 40000, 5_004), ...other });
    expect(pairer.pending).toBe(2);
    pairer.push({ ...cr(5), ...other });
    pairer.push(cr(5));
    expect(facts.map((f) => [f.clientIp, f.latencyMs])).toEqual([
      ['10.0.0.1', 8],
      ['192.0.2.55', 12],
    ]);
    // A response of a third client under that key joins nothing.
    pairer.push(cq(6));
    pairer.push({ ...cr(6), queryAddress: '10.9.9.9' });
    expect(facts[2]).toMatchObject({ clientIp: '10.9.9.9', latencyMs: null });
    expect(pairer.counters).toMatchObject({ paired: 2, unpaired: 1 });
    expect(pairer.pending).toBe(1);
  });

  it('does not join across absent, zero or out-of-range ports and protocols (the key folds them)', () => {
    const { pairer, facts } = setup();
    pairer.push(cq(3, -1));
    pairer.push(cr(3, 0));
    pairer.push(cq(4, 70_000));
    pairer.push(cr(4, 4_464));
    pairer.push({ ...cq(5), socketProtocol: 9 });
    pairer.push(cr(5));
    expect(facts.map((f) => f.latencyMs)).toEqual([null, null, null]);
    expect(pairer.counters).toMatchObject({ paired: 0, unpaired: 3 });
  });

  it('does not pair across ports, ids or transports', () => {
    const { pairer, facts } = setup();
    pairer.push(cq(9, 40000));
    pairer.push(cr(9, 40001));
    pairer.push(cr(10, 40000));
    pairer.push(cr(9, 40000, 5_020, SocketProtocol.TCP));
    expect(facts.map((f) => f.latencyMs)).toEqual([null, null, null]);
    expect(facts[2]?.transport).toBe('tcp');
    expect(pairer.pending).toBe(1);
  });

  it('drops queries that wait longer than the timeout', () => {
    const { pairer, facts, advance } = setup({ timeoutMs: 10_000 });
    pairer.push(cq(1));
    advance(6_000);
    pairer.push(cq(2));
    advance(5_000);
    pairer.sweep();
    expect(pairer.counters.timedOut).toBe(1);
    pairer.push(cr(1));
    pairer.push(cr(2));
    expect(facts.map((f) => f.latencyMs)).toEqual([null, 12]);
  });

  it("by default pairs a response that comes after named's 30 s resolver timeout", () => {
    // The query merger joins dnstap facts to the logged query by latency: a SERVFAIL after a
    // long recursion must keep its query (and so its latency), or one query is stored twice.
    const { pairer, facts, advance } = setup();
    pairer.push(cq(3, 40000, 5_000));
    advance(31_000);
    pairer.sweep();
    pairer.push(cr(3, 40000, 36_000));
    expect(pairer.counters.timedOut).toBe(0);
    expect(facts.map((f) => f.latencyMs)).toEqual([31_000]);
  });

  it('evicts the oldest pending queries beyond the bound', () => {
    const { pairer } = setup({ maxPending: 3 });
    for (let id = 1; id <= 5; id++) pairer.push(cq(id));
    expect(pairer.pending).toBe(3);
    expect(pairer.counters.evicted).toBe(2);
  });

  it('reports upstream exchanges, and a query without response as a failure', () => {
    const { pairer, ups, advance } = setup({ timeoutMs: 10_000 });
    const up = {
      queryAddress: '0.0.0.0',
      responseAddress: '198.51.100.1',
      responsePort: 53,
      queryPort: 33000,
    };
    pairer.push(
      msg({
        ...up,
        type: MessageType.RESOLVER_QUERY,
        queryTimeMs: 100,
        queryMessage: q(77, 'a.test'),
      }),
    );
    pairer.push(
      msg({
        ...up,
        type: MessageType.RESOLVER_RESPONSE,
        queryTimeMs: 100,
        responseTimeMs: 130,
        responseMessage: r(77, 'a.test', 2),
      }),
    );
    pairer.push(
      msg({
        ...up,
        type: MessageType.FORWARDER_QUERY,
        queryTimeMs: 200,
        queryMessage: q(78, 'b.test'),
      }),
    );
    advance(10_000);
    pairer.sweep();
    expect(ups).toEqual([
      {
        tsMs: 130,
        address: '198.51.100.1',
        port: 53,
        qname: 'a.test',
        qtype: 'A',
        rcode: 'SERVFAIL',
        latencyMs: 30,
        node: 'node-a',
      },
      {
        tsMs: 200,
        address: '198.51.100.1',
        port: 53,
        qname: 'b.test',
        qtype: 'A',
        rcode: null,
        latencyMs: null,
        node: 'node-a',
      },
    ]);
    expect(pairer.counters).toMatchObject({ upstreamPaired: 1, upstreamTimedOut: 1 });
  });

  it('counts malformed DNS messages instead of throwing', () => {
    const { pairer, facts } = setup();
    pairer.push(
      msg({ type: MessageType.CLIENT_RESPONSE, responseMessage: Buffer.from([1, 2, 3]) }),
    );
    pairer.push(msg({ type: MessageType.CLIENT_QUERY, queryMessage: null }));
    expect(facts).toEqual([]);
    expect(pairer.counters.malformed).toBe(2);
  });

  it('start/stop own the sweep timer and are idempotent', () => {
    const { pairer } = setup();
    pairer.start();
    pairer.start();
    pairer.push(cq(1));
    pairer.stop();
    pairer.stop();
    expect(pairer.pending).toBe(0);
  });
});
