/**
 * How the managed `named` serves the network: body and answer of /api/settings/dns. The server
 * renders these into named.conf's `options`, and the custom DNSSEC policies at its top level
 * (managed mode only; in system mode they are stored and shown but the operator's named.conf
 * rules). Every field named here is what an error's
 * `issues[].path` names when a value is refused, so the dashboard can point at the field.
 */
import { z } from 'zod';
import { dnssecPolicyListSchema } from './dnssec-schemas.js';
import { FORWARD_POLICIES } from './lists.js';

/** BIND's built-in address-match names. */
export const ACL_KEYWORDS = ['any', 'none', 'localhost', 'localnets'] as const;

const aclAtom = z.union([z.enum(ACL_KEYWORDS), z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);

/**
 * One entry of an address match list: a keyword, an address or a CIDR, optionally negated with a
 * leading `!` (BIND's first-match semantics: `!10.0.0.5, 10.0.0.0/8` admits the net but that host).
 */
export const aclEntrySchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((s) => aclAtom.safeParse(s.startsWith('!') ? s.slice(1).trim() : s).success, {
    message:
      'must be any, none, localhost, localnets, an IP address or a CIDR (optionally !negated)',
  });
export const aclSchema = z.array(aclEntrySchema).max(64);

/** An address to listen on: `any` (every address of this host), or one of its addresses. */
export const listenV4Schema = z.array(z.union([z.literal('any'), z.ipv4()])).max(32);
export const listenV6Schema = z.array(z.union([z.literal('any'), z.ipv6()])).max(32);

export const DNSSEC_VALIDATION_MODES = ['auto', 'no'] as const;

/** BIND's response rate limiting (`rate-limit { … }`), against reflection attacks. */
export const rateLimitSchema = z.object({
  enabled: z.boolean(),
  /** Identical responses per second to one client network before answers are dropped. */
  responsesPerSecond: z.number().int().min(1).max(10_000),
  /** Seconds over which rates are averaged. */
  window: z.number().int().min(1).max(3600),
  /** Every Nth dropped answer is sent truncated (TC) so real clients retry over TCP; 0: none. */
  slip: z.number().int().min(0).max(10),
  /** Count and log, but drop nothing: to tune the limit before enforcing it. */
  logOnly: z.boolean(),
  exemptClients: aclSchema,
});

/** The network part: what the "DNS service" form edits (named.conf's `options`). */
export const dnsNetworkSettingsSchema = z.object({
  listen: z.object({
    /**
     * Port of the network listeners. The server's own listener, 127.0.0.1 on
     * `HDNS_BIND_DNS_PORT` (5300), always stays: its health probes use it.
     */
    port: z.number().int().min(1).max(65_535),
    /** Empty: loopback only (the default). `any`: every IPv4 address of this host. */
    ipv4: listenV4Schema,
    ipv6: listenV6Schema,
  }),
  /** Who may query (`allow-query`); localhost is always admitted (the server's probes). */
  allowQuery: aclSchema.min(1),
  /** Who may ask for recursion (`allow-recursion`), when recursion is on. */
  allowRecursion: aclSchema,
  /** Off: authoritative only, names outside our zones are REFUSED. */
  recursion: z.boolean(),
  /** `auto`: validate with the built-in root trust anchor; `no`: accept unsigned/bogus answers. */
  dnssecValidation: z.enum(DNSSEC_VALIDATION_MODES),
  /** How the global forwarders are used: `only` (fail if they fail) or `first` (then recurse). */
  forwardPolicy: z.enum(FORWARD_POLICIES),
  rateLimit: rateLimitSchema,
});
export type DnsNetworkSettings = z.infer<typeof dnsNetworkSettingsSchema>;

/**
 * Custom `dnssec-policy` definitions, rendered at named.conf's top level; zones name one in their
 * `dnssecPolicy`. Names are unique ignoring case (BIND would refuse the second definition).
 */
export const dnssecPoliciesSettingSchema = dnssecPolicyListSchema.superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((p, i) => {
    const key = p.name.toLowerCase();
    if (seen.has(key))
      ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `${p.name} is defined twice` });
    seen.add(key);
  });
});

export const dnsServerSettingsSchema = dnsNetworkSettingsSchema.extend({
  dnssecPolicies: dnssecPoliciesSettingSchema.default([]),
});
export type DnsServerSettings = z.infer<typeof dnsServerSettingsSchema>;

/** The settings as stored, with the version to send back on the next change. */
export const dnsSettingsViewSchema = z.object({
  settings: dnsServerSettingsSchema,
  version: z.number().int().nonnegative(),
  updatedAt: z.string().nullable(),
  /**
   * Fields set by the environment (field path → variable, e.g. `listen` → `HDNS_DNS_LISTEN`):
   * fixed, shown read-only; a change to them is refused.
   */
  locked: z.record(z.string(), z.string()),
  /** False in system mode (the operator's named.conf rules) or with BIND off. */
  applies: z.boolean(),
  /** Addresses of this host, to pick listen addresses from. */
  hostAddresses: z.array(
    z.object({ interface: z.string(), address: z.string(), family: z.enum(['ipv4', 'ipv6']) }),
  ),
});
export type DnsSettingsView = z.infer<typeof dnsSettingsViewSchema>;

export const dnsSettingsUpdateSchema = dnsNetworkSettingsSchema.extend({
  /**
   * Absent: the stored policies stay (so a client that edits only the network part cannot drop
   * them). Removing a policy a zone signs with is refused (DNSSEC_POLICY_IN_USE).
   */
  dnssecPolicies: dnssecPoliciesSettingSchema
    .optional()
    .describe('Custom dnssec-policy definitions; absent: the stored ones stay'),
  version: z.number().int().nonnegative(),
});
export type DnsSettingsUpdate = z.infer<typeof dnsSettingsUpdateSchema>;
