import { describe, expect, it } from 'vitest';
import { parseEventData } from '@hdns/protocol';
import { answeredQuery, upstreamExchange } from '../queries/query-facts-fixture.js';
import { QueryStatsWindow } from './query-stats-window.js';

/** HDR percentiles (2 significant figures) read up to 1% high, never low. */
const near = (actual: number | undefined, exact: number) => {
  expect(actual).toBeGreaterThanOrEqual(exact);
  expect(actual).toBeLessThanOrEqual(exact * 1.01 + 0.01);
};

describe('QueryStatsWindow', () => {
  it('counts complete seconds of the window, ranks names and clients, expires old buckets', () => {
    let now = 10_000_000;
    const w = new QueryStatsWindow({ maxWindowSec: 60, topN: 2, now: () => now });
    const q = (qname: string, clientIp = '10.0.0.1', qtype = 'A') => ({ qname, clientIp, qtype });
    for (let i = 0; i < 30; i++) w.recordQuery(q('WWW.example.test'));
    for (let i = 0; i < 10; i++) w.recordQuery(q('api.example.test', '10.0.0.2', 'AAAA'));
    w.recordQuery(q('rare.example.test', '10.0.0.3'));
    w.recordBlocked();
    expect(w.snapshot(60).total).toBe(0); // the current second is not complete yet
    now += 1000;
    const s = w.snapshot(60);
    expect(s).toMatchObject({
      windowSec: 60,
      total: 41,
      qps: 41,
      blocked: 1,
      qtypes: { A: 31, AAAA: 10 },
      sampled: false,
      topDomains: [
        { name: 'www.example.test', count: 30 },
        { name: 'api.example.test', count: 10 },
      ],
      topClients: [
        { ip: '10.0.0.1', count: 30 },
        { ip: '10.0.0.2', count: 10 },
      ],
    });
    expect(parseEventData('query_stats', s).ok).toBe(true);
    now += 1000;
    expect(w.snapshot(1).total).toBe(0);
    expect(w.snapshot(60).qps).toBe(20.5);
    now += 61_000;
    expect(w.snapshot(60).total).toBe(0);
    w.recordUnparsed();
    now += 1000;
    expect(w.snapshot(60)).toMatchObject({ total: 1, sampled: true });
  });

  it('keeps the text-log event as it was: no answer fields without answers', () => {
    let now = 5_000_000;
    const w = new QueryStatsWindow({ maxWindowSec: 10, now: () => now });
    w.recordQuery({ qname: 'a.example.test', clientIp: '10.0.0.1', qtype: 'A' });
    now += 1000;
    const s = w.snapshot(10);
    for (const field of [
      'rcodes',
      'transports',
      'latencyMs',
      'topNxdomain',
      'topServfail',
      'forwarders',
    ]) {
      expect(s, field).not.toHaveProperty(field);
    }
    expect(s.topClients).toEqual([{ ip: '10.0.0.1', count: 1 }]);
  });

  it('adds the rcode mix, transports, per-client blocked and NXDOMAIN, top failing names, latency', () => {
    let now = 7_000_000;
    const w = new QueryStatsWindow({ maxWindowSec: 60, topN: 3, now: () => now });
    // 100 answers from 10.0.0.1 at 1..100 ms, so the percentiles are known.
    for (let i = 1; i <= 100; i++) w.recordFacts(answeredQuery({ latencyMs: i }));
    for (let i = 0; i < 4; i++) {
      w.recordFacts(
        answeredQuery({
          clientIp: '10.0.0.2',
          qname: `x${i % 2}.bad.test`,
          rcode: 'NXDOMAIN',
          latencyMs: null,
        }),
      );
    }
    w.recordFacts(
      answeredQuery({
        clientIp: '10.0.0.2',
        blocked: true,
        rcode: 'NXDOMAIN',
        qname: 'ads.test',
        latencyMs: null,
      }),
    );
    w.recordFacts(
      answeredQuery({ qname: 'broken.test', rcode: 'SERVFAIL', transport: 'tcp', latencyMs: null }),
    );
    w.recordFacts(
      answeredQuery({
        qname: '',
        qtype: 'NS',
        rcode: 'SERVFAIL',
        transport: 'doh',
        latencyMs: null,
      }),
    );
    // A text-log record in the same window: counted, no rcode.
    w.recordFacts(
      answeredQuery({ clientIp: '10.0.0.3', rcode: null, latencyMs: null, source: 'querylog' }),
    );
    now += 1000;
    const s = w.snapshot(60);
    expect(parseEventData('query_stats', s).ok).toBe(true);
    expect(s).toMatchObject({
      total: 108,
      blocked: 1,
      rcodes: { NOERROR: 100, NXDOMAIN: 5, SERVFAIL: 2 },
      transports: { udp: 106, tcp: 1, doh: 1 },
      topClients: [
        { ip: '10.0.0.1', count: 102, blocked: 0, nxdomain: 0 },
        { ip: '10.0.0.2', count: 5, blocked: 1, nxdomain: 5 },
        { ip: '10.0.0.3', count: 1, blocked: 0, nxdomain: 0 },
      ],
      topNxdomain: [
        { name: 'x0.bad.test', count: 2 },
        { name: 'x1.bad.test', count: 2 },
        { name: 'ads.test', count: 1 },
      ],
      topServfail: [
        { name: '.', count: 1 },
        { name: 'broken.test', count: 1 },
      ],
    });
    expect(s.latencyMs?.count).toBe(100);
    // HDR with 2 significant figures: within 1% of the exact percentile.
    near(s.latencyMs?.p50, 50);
    near(s.latencyMs?.p90, 90);
    near(s.latencyMs?.p99, 99);
    expect(s.latencyMs?.max).toBe(100);
  });

  it('merges latency across the seconds of a window and forgets expired seconds', () => {
    let now = 9_000_000;
    const w = new QueryStatsWindow({ maxWindowSec: 5, now: () => now });
    w.recordFacts(answeredQuery({ latencyMs: 2 }));
    now += 1000;
    w.recordFacts(answeredQuery({ latencyMs: 400 }));
    now += 1000;
    expect(w.snapshot(5).latencyMs).toMatchObject({ count: 2, max: 400 });
    near(w.snapshot(5).latencyMs?.p50, 2);
    near(w.snapshot(5).latencyMs?.p90, 400);
    expect(w.snapshot(1).latencyMs).toMatchObject({ count: 1, max: 400 });
    now += 5000;
    w.recordFacts(answeredQuery({ latencyMs: 0.25 })); // reuses the first second's histogram
    now += 1000;
    expect(w.snapshot(5).latencyMs).toEqual({
      count: 1,
      p50: 0.25,
      p90: 0.25,
      p99: 0.25,
      max: 0.25,
    });
  });

  it('sums forwarders over the window: queries, failures (timeouts and SERVFAIL), percentiles', () => {
    let now = 11_000_000;
    const w = new QueryStatsWindow({ maxWindowSec: 60, maxForwarders: 2, now: () => now });
    for (let i = 1; i <= 10; i++) w.recordUpstream(upstreamExchange({ latencyMs: i * 10 }));
    w.recordUpstream(upstreamExchange({ rcode: null, latencyMs: null }));
    now += 1000;
    w.recordUpstream(upstreamExchange({ rcode: 'SERVFAIL', latencyMs: 5 }));
    w.recordUpstream(upstreamExchange({ address: '192.0.2.99', port: 5353, latencyMs: 3 }));
    w.recordUpstream(upstreamExchange({ address: '192.0.2.100', latencyMs: 3 })); // over maxForwarders
    now += 1000;
    const s = w.snapshot(60);
    expect(parseEventData('query_stats', s).ok).toBe(true);
    expect(s.forwarders?.map(({ p50Ms: _p50, p99Ms: _p99, ...f }) => f)).toEqual([
      { address: '192.0.2.53', queries: 12, failures: 2 },
      { address: '192.0.2.99#5353', queries: 1, failures: 0 },
    ]);
    near(s.forwarders?.[0]?.p50Ms, 50);
    near(s.forwarders?.[0]?.p99Ms, 100);
    near(s.forwarders?.[1]?.p99Ms, 3);
    expect(s).not.toHaveProperty('rcodes'); // upstream exchanges are not client answers
    expect(w.snapshot(1).forwarders?.map((f) => f.queries)).toEqual([1, 1]);
  });

  it('shows the root as "." from either source, so a root query never breaks the event', () => {
    // The forwarder health check asks `. NS`; the query log and dnstap both give an empty qname.
    let now = 14_000_000;
    const w = new QueryStatsWindow({ maxWindowSec: 10, now: () => now });
    w.recordQuery({ qname: '', clientIp: '127.0.0.1', qtype: 'NS' });
    w.recordQuery({ qname: 'www.example.test', clientIp: '127.0.0.1', qtype: 'A' });
    now += 1000;
    const fromLog = w.snapshot(10);
    expect(fromLog.topDomains).toContainEqual({ name: '.', count: 1 });
    expect(parseEventData('query_stats', fromLog).ok).toBe(true);
    w.recordFacts(answeredQuery({ qname: '', qtype: 'NS', rcode: 'SERVFAIL', latencyMs: 10_000 }));
    now += 1000;
    const both = w.snapshot(10);
    expect(both.topDomains).toContainEqual({ name: '.', count: 2 });
    expect(parseEventData('query_stats', both).ok).toBe(true);
  });

  it('counts weighted facts as estimates', () => {
    let now = 13_000_000;
    const w = new QueryStatsWindow({ maxWindowSec: 10, now: () => now });
    w.recordFacts(answeredQuery({ rcode: 'NXDOMAIN', latencyMs: 3 }), 10);
    now += 1000;
    expect(w.snapshot(10)).toMatchObject({
      total: 10,
      sampled: true,
      rcodes: { NXDOMAIN: 10 },
      latencyMs: { count: 10 },
      topClients: [{ ip: '10.0.0.1', count: 10, nxdomain: 10 }],
    });
  });
});
