/**
 * Security events: alerts, RPZ hits and RPZ rule changes. Client addresses identify people, so
 * they are redacted for viewers (operators investigate, viewers watch the dashboard).
 */
import { z } from 'zod';
import { count, domainName, idString, ipAddress, isoTime, severity, text } from './common.js';
import { defineEvent } from './spec.js';

export const THREAT_CATEGORIES = [
  'malware',
  'phishing',
  'adult',
  'ads',
  'tracking',
  'gambling',
  'social',
  'custom',
] as const;

/** What a detector over the answered queries saw (`threat_detected.detection.kind`). */
export const THREAT_DETECTIONS = ['nxdomain_flood', 'random_subdomain'] as const;

export const RPZ_ACTIONS = [
  'nxdomain',
  'nodata',
  'drop',
  'passthru',
  'redirect',
  'tcp_only',
] as const;

const rpzRule = z.object({
  id: idString,
  /** Trigger name (QNAME), e.g. `ads.example.` or `*.tracker.example.`. */
  domain: domainName,
  action: z.enum(RPZ_ACTIONS),
  /** Target of a `redirect` rule (a CNAME target); null otherwise. */
  redirectTo: domainName.nullable(),
  category: z.enum(THREAT_CATEGORIES),
  enabled: z.boolean(),
  comment: text.nullable().optional(),
});

/** Policy data readers also get over REST: the trigger, the redirect target and the comment. */
const RULE_VERBATIM = ['before', 'after', 'rule'].flatMap((side) => [
  `${side}.domain`,
  `${side}.redirectTo`,
  `${side}.comment`,
]);

export const SECURITY_EVENTS = {
  security_alert: defineEvent({
    category: 'security',
    priority: 'critical',
    minRole: 'viewer',
    sensitive: { clientIp: 'operator' },
    zoneScoped: false,
    description:
      'Something needs a human: brute-force logins, a flood of blocked queries from one client, a failed integrity check.',
    schema: z.object({
      alertId: idString,
      severity,
      title: z.string().min(1).max(200),
      message: text,
      clientIp: ipAddress.nullable().optional(),
      /** Subsystem that raised it, e.g. `auth`, `rpz`, `query_log`. */
      source: z.string().max(64).optional(),
      /** Occurrences folded into this alert. */
      count: count.optional(),
    }),
  }),
  threat_detected: defineEvent({
    category: 'security',
    // One per RPZ hit, so as many as DNS clients cause (monitors/rpz-stream.ts: up to 50/s).
    traffic: true,
    priority: 'high',
    minRole: 'viewer',
    sensitive: { clientIp: 'operator', 'detection.clients[].ip': 'operator' },
    verbatim: ['qname', 'policyZone', 'detection.baseDomain'],
    zoneScoped: false,
    description:
      'A query matched a response-policy rule (from the RPZ log), or a detector over the answers saw an NXDOMAIN flood from one client or a random-subdomain pattern under one domain (`detection` set; nothing was rewritten, so `action` is `passthru` and `category` is `custom`).',
    schema: z.object({
      clientIp: ipAddress,
      qname: domainName,
      qtype: z.string().max(16),
      /** The policy BIND applied. */
      action: z.enum(RPZ_ACTIONS),
      /** The matching trigger as BIND logged it. */
      rule: z.string().max(512),
      category: z.enum(THREAT_CATEGORIES),
      policyZone: domainName.optional(),
      ts: isoTime,
      /**
       * Set when a detector raised it (monitors/query-detectors.ts) rather than a policy rule:
       * `count` is what it counted over `windowSec` (NXDOMAIN answers to `clientIp` for a flood,
       * distinct NXDOMAIN names under `baseDomain` for random subdomains) against `threshold`.
       */
      detection: z
        .object({
          kind: z.enum(THREAT_DETECTIONS),
          severity,
          count,
          threshold: count,
          windowSec: z.number().int().positive(),
          /** random_subdomain: the registered domain the names were asked under. */
          baseDomain: domainName.optional(),
          /** random_subdomain: the clients that asked most of those names (count: distinct names). */
          clients: z
            .array(z.object({ ip: ipAddress, count }))
            .max(10)
            .optional(),
        })
        .optional(),
    }),
  }),
  rpz_update: defineEvent({
    category: 'security',
    priority: 'normal',
    minRole: 'viewer',
    sensitive: {},
    verbatim: [...RULE_VERBATIM, 'policyZone'],
    zoneScoped: false,
    description:
      'Response-policy rules changed: one rule (`before` and `after`, `before: null` on create, `after: null` on delete) or many at once (`action: bulk`, `count`; a blocklist feed refresh adds `feedId`, `added`, `removed`, `total`, `errors`). The acting user is in `meta.actor`.',
    schema: z.object({
      action: z.enum(['created', 'updated', 'deleted', 'bulk']),
      ruleId: idString.optional(),
      /** The rule before the change; null when created; absent for bulk changes. */
      before: rpzRule.nullable().optional(),
      /** The rule after the change; null when deleted; absent for bulk changes. */
      after: rpzRule.nullable().optional(),
      /** Same as `after`, kept for readers written before `before`/`after` existed. */
      rule: rpzRule.nullable().optional(),
      count: count.optional(),
      /** RPZ zone serial after the change. */
      serial: z.number().int().nonnegative().optional(),
      /** A blocklist feed's refresh: the feed and its policy zone (`action: bulk`). */
      feedId: idString.optional(),
      feedName: z.string().max(100).optional(),
      policyZone: domainName.optional(),
      /** Names the refresh added and removed, the names now listed, lines it had to skip. */
      added: count.optional(),
      removed: count.optional(),
      total: count.optional(),
      errors: count.optional(),
    }),
  }),
} as const;
