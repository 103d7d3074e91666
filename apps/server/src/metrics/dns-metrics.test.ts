import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { answeredQuery, upstreamExchange } from '../queries/query-facts-fixture.js';
import { createDnsMetrics, MAX_FORWARDER_LABELS } from './dns-metrics.js';

/** The sample lines of the text exposition whose name starts with `prefix`. */
async function samples(registry: Registry, prefix: string): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((l) => l.startsWith(prefix));
}

describe('createDnsMetrics', () => {
  it('counts answers by rcode, qtype and transport, folding unknown values', async () => {
    const registry = new Registry();
    const m = createDnsMetrics(registry);
    m.observe(answeredQuery());
    m.observe(answeredQuery());
    m.observe(answeredQuery({ rcode: 'NXDOMAIN', qtype: 'AAAA', transport: 'tcp' }));
    m.observe(answeredQuery({ rcode: 'RCODE23', qtype: 'TYPE65280', transport: 'doh' }));
    m.observe(answeredQuery({ rcode: null, latencyMs: null, source: 'querylog' }));
    expect(await samples(registry, 'hdns_dns_responses_total')).toEqual([
      'hdns_dns_responses_total{rcode="NOERROR",qtype="A",transport="udp"} 2',
      'hdns_dns_responses_total{rcode="NXDOMAIN",qtype="AAAA",transport="tcp"} 1',
      'hdns_dns_responses_total{rcode="OTHER",qtype="OTHER",transport="doh"} 1',
      'hdns_dns_responses_total{rcode="UNKNOWN",qtype="A",transport="udp"} 1',
    ]);
  });

  it('observes response times in seconds per transport, only when known', async () => {
    const registry = new Registry();
    const m = createDnsMetrics(registry);
    m.observe(answeredQuery({ latencyMs: 0.3 }));
    m.observe(answeredQuery({ latencyMs: 7 }));
    m.observe(answeredQuery({ latencyMs: 6000 }));
    m.observe(answeredQuery({ latencyMs: null }));
    m.observe(answeredQuery({ latencyMs: 2, transport: 'dot' }));
    const lines = await samples(registry, 'hdns_dns_response_seconds');
    expect(lines).toContain('hdns_dns_response_seconds_bucket{le="0.0005",transport="udp"} 1');
    expect(lines).toContain('hdns_dns_response_seconds_bucket{le="0.01",transport="udp"} 2');
    expect(lines).toContain('hdns_dns_response_seconds_bucket{le="5",transport="udp"} 2');
    expect(lines).toContain('hdns_dns_response_seconds_bucket{le="+Inf",transport="udp"} 3');
    expect(lines).toContain('hdns_dns_response_seconds_count{transport="udp"} 3');
    expect(lines).toContain('hdns_dns_response_seconds_sum{transport="udp"} 6.0073');
    expect(lines).toContain('hdns_dns_response_seconds_count{transport="dot"} 1');
  });

  it('labels forwarders by address (and port when not 53), at most 32 of them', async () => {
    const registry = new Registry();
    const m = createDnsMetrics(registry);
    m.observeUpstream(upstreamExchange({ latencyMs: 40 }));
    m.observeUpstream(upstreamExchange({ rcode: null, latencyMs: null }));
    m.observeUpstream(upstreamExchange({ address: '2001:db8::53', port: 5353, latencyMs: 3 }));
    for (let i = 0; i < MAX_FORWARDER_LABELS + 5; i++) {
      m.observeUpstream(upstreamExchange({ address: `198.51.100.${i}`, latencyMs: 1 }));
    }
    const counts = await samples(registry, 'hdns_dns_upstream_response_seconds_count');
    expect(counts).toContain('hdns_dns_upstream_response_seconds_count{forwarder="192.0.2.53"} 1');
    expect(counts).toContain(
      'hdns_dns_upstream_response_seconds_count{forwarder="2001:db8::53#5353"} 1',
    );
    // Two labels taken above, so 30 of the 37 new addresses get their own; 7 fold into other.
    expect(counts).toContain('hdns_dns_upstream_response_seconds_count{forwarder="other"} 7');
    expect(counts).toHaveLength(MAX_FORWARDER_LABELS + 1);
    expect(
      await samples(registry, 'hdns_dns_upstream_responses_total{forwarder="192.0.2.53"'),
    ).toEqual([
      'hdns_dns_upstream_responses_total{forwarder="192.0.2.53",rcode="NOERROR"} 1',
      'hdns_dns_upstream_responses_total{forwarder="192.0.2.53",rcode="TIMEOUT"} 1',
    ]);
  });
});
