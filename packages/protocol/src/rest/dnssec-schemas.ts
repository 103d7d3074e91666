/**
 * DNSSEC signing: custom `dnssec-policy` definitions (stored in the server's DNS settings and
 * rendered by the server's bind/dnssec-policy.ts) and the zone's signing status of
 * GET /api/zones/:zone/dnssec (keys as `rndc dnssec -status` reports them, DS records as
 * `dnssec-dsfromkey -2` prints them).
 */
import { z } from 'zod';

/**
 * Algorithms a policy may use (BIND's names; each is in BIND 9.18 and widely validated).
 * 13 (ECDSAP256SHA256) is the default and what the root and most TLDs accept.
 */
export const DNSSEC_ALGORITHMS = [
  'ecdsap256sha256',
  'ecdsap384sha384',
  'ed25519',
  'rsasha256',
  'rsasha512',
] as const;
export type DnssecAlgorithm = (typeof DNSSEC_ALGORITHMS)[number];

/**
 * Names BIND 9.18 defines itself: `default` signs with one ECDSAP256SHA256 CSK, `insecure`
 * walks a signed zone back to unsigned; a custom policy may not take them.
 */
export const BUILTIN_DNSSEC_POLICIES = ['default', 'insecure', 'none'] as const;

/** A policy name: safe inside named.conf's quotes, short enough for a label. */
export const dnssecPolicyNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(63)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore only');

/** ISO 8601 duration as BIND reads it (P90D, PT12H, P1Y), or `unlimited`. */
export const dnssecLifetimeSchema = z
  .string()
  .trim()
  .regex(
    /^(?:unlimited|P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?)?)$/,
    'must be unlimited or an ISO 8601 duration such as P90D',
  );

export const dnssecPolicySpecSchema = z.object({
  name: dnssecPolicyNameSchema.refine(
    (n) => !(BUILTIN_DNSSEC_POLICIES as readonly string[]).includes(n.toLowerCase()),
    'default, insecure and none are BIND built-in policies',
  ),
  /** One algorithm for every key: BIND needs each algorithm to have both roles covered. */
  algorithm: z.enum(DNSSEC_ALGORITHMS),
  /** One combined signing key, or a key-signing key plus a zone-signing key; their lifetimes. */
  keys: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('csk'), lifetime: dnssecLifetimeSchema }),
    z.object({
      kind: z.literal('ksk-zsk'),
      kskLifetime: dnssecLifetimeSchema,
      zskLifetime: dnssecLifetimeSchema,
    }),
  ]),
  /** NSEC3 (RFC 9276 settings: no extra iterations, no salt, no opt-out) instead of NSEC. */
  nsec3: z.boolean().default(false),
  /** `signatures-validity`: how long an RRSIG is valid (duration); BIND's default when absent. */
  signaturesValidity: dnssecLifetimeSchema.optional(),
});
export type DnssecPolicySpec = z.infer<typeof dnssecPolicySpecSchema>;
export const dnssecPolicyListSchema = z.array(dnssecPolicySpecSchema).max(32);

/** A zone's `dnssecPolicy` field: a policy name or null (unsigned). */
export const zoneDnssecPolicySchema = dnssecPolicyNameSchema
  .refine((n) => n !== 'none' && n !== 'insecure', 'use null to turn signing off')
  .nullable();

export const DNSSEC_KEY_ROLES = ['ksk', 'zsk', 'csk'] as const;

export const dnssecKeySchema = z.object({
  tag: z.number().int(),
  algorithm: z.string().describe('As rndc prints it, e.g. ECDSAP256SHA256'),
  algorithmNumber: z.number().int().nullable(),
  role: z.enum(DNSSEC_KEY_ROLES),
  /** `published`, `key signing`, `zone signing` lines: yes/no and since when. */
  published: z.boolean(),
  publishedSince: z.string().nullable(),
  keySigning: z.boolean(),
  zoneSigning: z.boolean(),
  activeSince: z.string().nullable(),
  retired: z.boolean(),
  retireAt: z.string().nullable(),
  /** `Next rollover scheduled on …`; null with `No rollover scheduled`. */
  nextRollover: z.string().nullable(),
  rollover: z.string().describe('The rollover line as rndc prints it'),
  /** goal, dnskey, ds, zone rrsig, key rrsig: hidden | rumoured | omnipresent | unretentive. */
  states: z.record(z.string(), z.string()),
});
export type DnssecKey = z.infer<typeof dnssecKeySchema>;

export const dsRecordSchema = z.object({
  keyTag: z.number().int(),
  algorithm: z.number().int(),
  digestType: z.number().int(),
  digest: z.string(),
  /** The whole DS line, ready to hand to the parent zone. */
  text: z.string(),
});

export const zoneDnssecSchema = z.object({
  zone: z.string(),
  /** The policy the zone is signed with; null when unsigned (the rest is then empty). */
  policy: z.string().nullable(),
  /** The serial of the signed zone named serves (differs from the zone's own serial). */
  signedSerial: z.number().int().nullable(),
  keys: z.array(dnssecKeySchema),
  ds: z.array(dsRecordSchema),
  /** The KSK/CSK DNSKEY records (presentation format), e.g. for a trust anchor. */
  dnskey: z.array(z.string()),
});
export type ZoneDnssec = z.infer<typeof zoneDnssecSchema>;
