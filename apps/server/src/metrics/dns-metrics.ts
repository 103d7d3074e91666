import { Counter, Histogram, type Registry } from 'prom-client';
import { forwarderKey } from '../monitors/forwarder-key.js';
import type { QueryFacts, UpstreamFacts } from '../queries/query-facts.js';
import { QUERY_TRANSPORTS } from '@hdns/protocol/rest';
import { RCODE_NAMES } from '../lib/dns-rcodes.js';

/**
 * Prometheus metrics of the answered queries:
 * - `hdns_dns_responses_total{rcode,qtype,transport}`: answers (text-log records, which carry
 *   no rcode, count as `rcode="UNKNOWN"`);
 * - `hdns_dns_response_seconds{transport}`: response times (dnstap only);
 * - `hdns_dns_upstream_response_seconds{forwarder}` and
 *   `hdns_dns_upstream_responses_total{forwarder,rcode}` (`rcode="TIMEOUT"` without a response):
 *   named's exchanges with its forwarders.
 *
 * DNS clients choose qnames, qtypes and (for upstream servers) addresses, so every label is
 * bounded: qtypes and rcodes outside the lists below read `OTHER`, and after 32 distinct
 * forwarders further ones read `other`. The series count stays fixed whatever the traffic.
 */

const QTYPES: ReadonlySet<string> = new Set([
  'A',
  'AAAA',
  'ANY',
  'AXFR',
  'CAA',
  'CNAME',
  'DNSKEY',
  'DS',
  'HTTPS',
  'IXFR',
  'MX',
  'NAPTR',
  'NS',
  'NSEC',
  'NSEC3PARAM',
  'PTR',
  'SOA',
  'SRV',
  'SSHFP',
  'SVCB',
  'TLSA',
  'TXT',
]);

const RCODES: ReadonlySet<string> = new Set(RCODE_NAMES);

const TRANSPORTS: ReadonlySet<string> = new Set(QUERY_TRANSPORTS);

/** Distinct forwarder label values before the rest are folded into `other`. */
export const MAX_FORWARDER_LABELS = 32;

/** 0.5 ms (a cache hit on the host) to 5 s (a resolver's patience). */
const DNS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const bounded = (value: string, known: ReadonlySet<string>): string => {
  const v = value.toUpperCase();
  return known.has(v) ? v : 'OTHER';
};

export interface DnsMetrics {
  observe(facts: QueryFacts): void;
  observeUpstream(u: UpstreamFacts): void;
}

/** Registers the DNS metrics on `registry` (the app's, `app.metrics`); call once per registry. */
export function createDnsMetrics(registry: Registry): DnsMetrics {
  const responses = new Counter({
    name: 'hdns_dns_responses_total',
    help: 'DNS answers by response code, query type and transport',
    labelNames: ['rcode', 'qtype', 'transport'] as const,
    registers: [registry],
  });
  const responseSeconds = new Histogram({
    name: 'hdns_dns_response_seconds',
    help: 'Time from query to response as named answered it (dnstap)',
    labelNames: ['transport'] as const,
    buckets: DNS_BUCKETS,
    registers: [registry],
  });
  const upstreamSeconds = new Histogram({
    name: 'hdns_dns_upstream_response_seconds',
    help: "Response time of named's forwarders (dnstap forwarder messages)",
    labelNames: ['forwarder'] as const,
    buckets: DNS_BUCKETS,
    registers: [registry],
  });
  const upstreamResponses = new Counter({
    name: 'hdns_dns_upstream_responses_total',
    help: "Responses of named's forwarders by response code (TIMEOUT: none came)",
    labelNames: ['forwarder', 'rcode'] as const,
    registers: [registry],
  });
  const forwarders = new Set<string>();
  const forwarderLabel = (u: UpstreamFacts): string => {
    const key = forwarderKey(u);
    if (forwarders.has(key)) return key;
    if (forwarders.size >= MAX_FORWARDER_LABELS) return 'other';
    forwarders.add(key);
    return key;
  };
  const transportLabel = (t: string) => (TRANSPORTS.has(t) ? t : 'other');

  return {
    observe(f) {
      const transport = transportLabel(f.transport);
      responses.inc({
        rcode: f.rcode === null ? 'UNKNOWN' : bounded(f.rcode, RCODES),
        qtype: bounded(f.qtype, QTYPES),
        transport,
      });
      if (f.latencyMs !== null) responseSeconds.observe({ transport }, f.latencyMs / 1000);
    },
    observeUpstream(u) {
      const forwarder = forwarderLabel(u);
      upstreamResponses.inc({
        forwarder,
        rcode: u.rcode === null ? 'TIMEOUT' : bounded(u.rcode, RCODES),
      });
      if (u.latencyMs !== null) upstreamSeconds.observe({ forwarder }, u.latencyMs / 1000);
    },
  };
}
