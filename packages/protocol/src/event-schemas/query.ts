/**
 * Query traffic from BIND's query log. High volume: low priority, shed first under pressure,
 * optionally sampled. Client addresses are personal data and are redacted below `operator`.
 */
import { z } from 'zod';
import { count, counters, domainName, ipAddress, isoTime } from './common.js';
import { defineEvent } from './spec.js';

const ranked = { count };

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
      'One query as BIND logged it (BIND 9.18 query-log line, parsed). `ecs` is the EDNS Client Subnet the query carried, redacted like the client address.',
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
      /** Query time from the log line. */
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
    verbatim: ['topDomains[].name'],
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
      topClients: z.array(z.object({ ip: ipAddress, ...ranked })).max(100),
      qtypes: counters,
      rcodes: counters.optional(),
      /** True when computed from a sampled stream (counts are estimates). */
      sampled: z.boolean().optional(),
    }),
  }),
} as const;
