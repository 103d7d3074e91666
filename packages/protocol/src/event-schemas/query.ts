/**
 * Query traffic from dnstap (or BIND's text query log). High volume: low priority, shed first under pressure,
 * optionally sampled. Client addresses are personal data and are redacted below `operator`.
 */
import { z } from 'zod';
import { count, counters, domainName, ipAddress, isoTime } from './common.js';
import { defineEvent } from './spec.js';

const ranked = { count };

/** How the query reached named. DoT and DoH are told apart from TCP by dnstap's socket protocol. */
export const QUERY_TRANSPORTS = ['udp', 'tcp', 'dot', 'doh'] as const;
export type QueryTransport = (typeof QUERY_TRANSPORTS)[number];

/** Where a query record came from: dnstap (full facts) or the text query log (no answer facts). */
export const QUERY_SOURCES = ['dnstap', 'querylog'] as const;
export type QuerySource = (typeof QUERY_SOURCES)[number];

export const QUERY_EVENTS = {
  dns_query_log: defineEvent({
    category: 'query',
    traffic: true,
    priority: 'low',
    minRole: 'viewer',
    sensitive: { clientIp: 'operator', ecs: 'operator' },
    verbatim: ['qname', 'server'],
    zoneScoped: false,
    description:
      'One answered query. From dnstap (`source: dnstap`) it carries the answer facts: rcode, response flags, answer count and summary, response size, latency and transport; from the text query log (the fallback for a BIND without dnstap) only the query. `ecs` is the EDNS Client Subnet the query carried, redacted like the client address.',
    schema: z.object({
      clientIp: ipAddress,
      clientPort: z.number().int().min(0).max(65535),
      qname: domainName,
      qtype: z.string().max(16),
      qclass: z.string().max(8),
      /** BIND's flag string, e.g. `+E(0)K`: + recursion desired, E EDNS, S signed, T TCP, D DO, C CD, K cookie. */
      flags: z.string().max(32),
      /** Address the query was received on. */
      server: ipAddress,
      view: z.string().max(64).optional(),
      /**
       * EDNS Client Subnet from the query (`[ECS 192.0.2.0/24/0]` in the log) as address/source
       * prefix, e.g. `192.0.2.0/24`. It locates the end user behind a resolver, so it is as
       * sensitive as `clientIp`.
       */
      ecs: ipAddress.optional(),
      /** True when a response-policy rule rewrote the answer. */
      blocked: z.boolean().optional(),
      /** Response code (NOERROR, NXDOMAIN, SERVFAIL …); dnstap only. */
      rcode: z.string().max(16).optional(),
      /** Response header flags, e.g. `qr aa rd ra`; dnstap only. */
      responseFlags: z.string().max(32).optional(),
      transport: z.enum(QUERY_TRANSPORTS).optional(),
      answerCount: count.optional(),
      /** Short answer summary, e.g. `A 192.0.2.1, A 192.0.2.2` (at most 256 characters). */
      answer: z.string().max(256).optional(),
      /** Response size in bytes. */
      responseSize: count.optional(),
      /** Response time minus query time, in milliseconds (dnstap's resolution is 1 ms). */
      latencyMs: z.number().nonnegative().optional(),
      /** The response-policy action when a rule applied (NXDOMAIN, NODATA, CNAME, PASSTHRU …). */
      rpzAction: z.string().max(32).optional(),
      /** The named that answered (its `dnstap-identity`). */
      node: z.string().max(64).optional(),
      source: z.enum(QUERY_SOURCES).optional(),
      /**
       * Set when the query is published in two steps: on a quiet server dnstap reaches the
       * server up to ~2 s after the answer, so the query is first published from the query log
       * with `partial: true` within milliseconds, then again with the same `id` and the answer
       * facts. A client replaces the partial row with the complete one. Under load both usually
       * arrive together and one complete event (no `id`) is published.
       */
      id: z.string().max(128).optional(),
      /** The answer facts are still to come in an event with the same `id`. */
      partial: z.boolean().optional(),
      /** When named answered (dnstap) or logged the query (text log). */
      ts: isoTime,
      /** Present when the stream is sampled: one query in `sampled` is published. */
      sampled: z.number().int().min(1).optional(),
    }),
  }),
  query_stats: defineEvent({
    category: 'query',
    traffic: true,
    priority: 'low',
    minRole: 'viewer',
    sensitive: { 'topClients[].ip': 'operator' },
    verbatim: [
      'topDomains[].name',
      'topNxdomain[].name',
      'topServfail[].name',
      'forwarders[].address',
    ],
    coalesceBy: ['windowSec'],
    zoneScoped: false,
    description:
      'Rolling query statistics over the last `windowSec` seconds; one latest value per window size.',
    schema: z.object({
      windowSec: z.number().int().positive(),
      qps: z.number().nonnegative(),
      total: count,
      blocked: count.optional(),
      topDomains: z.array(z.object({ name: domainName, ...ranked })).max(100),
      topClients: z
        .array(
          z.object({
            ip: ipAddress,
            ...ranked,
            blocked: count.optional(),
            nxdomain: count.optional(),
          }),
        )
        .max(100),
      qtypes: counters,
      rcodes: counters.optional(),
      transports: counters.optional(),
      /** Response times over the window (HDR histogram, dnstap only). */
      latencyMs: z
        .object({
          count,
          p50: z.number().nonnegative(),
          p90: z.number().nonnegative(),
          p99: z.number().nonnegative(),
          max: z.number().nonnegative(),
        })
        .optional(),
      topNxdomain: z
        .array(z.object({ name: domainName, ...ranked }))
        .max(100)
        .optional(),
      topServfail: z
        .array(z.object({ name: domainName, ...ranked }))
        .max(100)
        .optional(),
      /** Per upstream forwarder (dnstap forwarder messages): queries, failures, response times. */
      forwarders: z
        .array(
          z.object({
            address: ipAddress,
            queries: count,
            failures: count,
            p50Ms: z.number().nonnegative(),
            p99Ms: z.number().nonnegative(),
          }),
        )
        .max(32)
        .optional(),
      /** True when computed from a sampled stream (counts are estimates). */
      sampled: z.boolean().optional(),
    }),
  }),
} as const;
