/** Zones, records, bulk imports and their jobs: request and response bodies of /api/zones, /api/jobs. */
import { z } from 'zod';
import {
  FORWARD_POLICIES,
  JOB_STATUSES,
  MAX_ZONE_NAME_LENGTH,
  RECORD_TYPES,
  ZONE_TYPES,
} from './lists.js';
import { zoneDnssecPolicySchema } from './dnssec-schemas.js';
import { hostName, recordInputSchema } from './record-input.js';

export const zoneNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(
    /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$/,
    'must be a zone name like example.com',
  )
  .refine(
    (n) => n.replace(/\.$/, '').toLowerCase() !== 'rpz.local',
    'rpz.local is reserved for response policy',
  );

export const forwarderAddress = z
  .string()
  // An address with #port is at most 45 characters; events carry it within 64.
  .max(64)
  .regex(
    /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]+)(?:#\d{1,5})?$/,
    'must be an IP address, optionally with #port',
  );

const soaSchema = z.object({
  mname: hostName,
  rname: z.string().min(3).max(254),
  refresh: z.number().int().min(60).max(2_419_200),
  retry: z.number().int().min(60).max(2_419_200),
  expire: z.number().int().min(3600).max(31_536_000),
  minimum: z.number().int().min(0).max(86_400),
});

const ttl = z.number().int().min(0).max(2_147_483_647);

const primariesSchema = z
  .array(forwarderAddress)
  .min(1)
  .max(16)
  .describe('Secondary zones: the servers the zone is transferred from (`ip` or `ip#port`)');
const tsigKeyIdSchema = z
  .string()
  .min(1)
  .max(64)
  .nullable()
  .describe('Secondary zones: the TSIG key (GET /api/tsig-keys) transfers use; null: none');

export const zoneCreateSchema = z.object({
  // A new zone also needs a file name (`db.<zone>`, 255 bytes at most): see MAX_ZONE_NAME_LENGTH.
  name: zoneNameSchema.refine(
    (n) => n.replace(/\.$/, '').length <= MAX_ZONE_NAME_LENGTH,
    `at most ${MAX_ZONE_NAME_LENGTH} characters: a longer name does not fit its zone file name`,
  ),
  type: z.enum(ZONE_TYPES).default('primary'),
  defaultTtl: ttl.optional(),
  soa: soaSchema.optional(),
  forwarders: z
    .array(forwarderAddress)
    .max(32)
    .optional()
    .describe('Forward zones: where queries for the zone go'),
  forwardPolicy: z.enum(FORWARD_POLICIES).optional(),
  description: z.string().max(500).nullable().optional(),
  dnssecPolicy: zoneDnssecPolicySchema
    .optional()
    .describe(
      'Primary zones: sign with this dnssec-policy (`default` or a custom one); null: unsigned',
    ),
  primaries: primariesSchema.optional(),
  tsigKeyId: tsigKeyIdSchema.optional(),
});

export const zonePatchSchema = z.object({
  version: z
    .number()
    .int()
    .positive()
    .describe('The version you read; a stale one gets 409 STALE_VERSION'),
  defaultTtl: ttl.optional(),
  soa: soaSchema.nullable().optional(),
  forwarders: z.array(forwarderAddress).min(1).max(32).optional(),
  forwardPolicy: z.enum(FORWARD_POLICIES).optional(),
  description: z.string().max(500).nullable().optional(),
  dnssecPolicy: zoneDnssecPolicySchema
    .optional()
    .describe(
      'Primary zones: sign with this dnssec-policy (`default` or a custom one); null: unsigned',
    ),
  primaries: primariesSchema.optional(),
  tsigKeyId: tsigKeyIdSchema.optional(),
});

export const zoneSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(ZONE_TYPES),
  serial: z.number().int().nullable(),
  defaultTtl: z.number().int(),
  soa: soaSchema.nullable(),
  forwarders: z.array(z.string()),
  forwardPolicy: z.enum(FORWARD_POLICIES).nullable(),
  description: z.string().nullable(),
  dnssecPolicy: z.string().nullable(),
  primaries: z.array(z.string()),
  tsigKeyId: z.string().nullable(),
  version: z.number().int(),
  recordCount: z.number().int(),
  needsAdmin: z
    .boolean()
    .describe(
      'A forward zone or a zone at or above a public suffix: changing it or its records needs an admin or an operator granted exactly this zone (else 403 ZONE_NEEDS_ADMIN)',
    ),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Zone = z.infer<typeof zoneSchema>;
export const zoneListSchema = z.object({ zones: z.array(zoneSchema) });

export const recordSchema = z.object({
  id: z.string(),
  zone: z.string(),
  name: z.string(),
  type: z.enum(RECORD_TYPES),
  ttl: z.number().int().nullable(),
  value: z.string(),
  priority: z.number().int().nullable(),
  weight: z.number().int().nullable(),
  port: z.number().int().nullable(),
  flags: z.number().int().nullable(),
  tag: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DnsRecord = z.infer<typeof recordSchema>;
export const recordListSchema = z.object({ records: z.array(recordSchema) });

export const zoneParamsSchema = z.object({ zone: zoneNameSchema });
export const recordParamsSchema = z.object({
  zone: zoneNameSchema,
  id: z.string().min(1).max(64),
});
export const versionQuerySchema = z.object({
  version: z.coerce.number().int().positive().optional(),
});
/** PUT carries the version read beside the record. */
export const recordUpdateSchema = z.intersection(
  recordInputSchema,
  z.object({ version: z.number().int().positive() }),
);

export const importBodySchema = z.object({
  format: z.enum(['json', 'csv']),
  data: z
    .union([z.string().max(20 * 1024 * 1024), z.array(z.unknown()).max(100_000)])
    .describe('CSV text with a header row, or a JSON array'),
});

export const jobSchema = z.object({
  id: z.string(),
  kind: z.string(),
  zone: z.string().nullable(),
  status: z.enum(JOB_STATUSES),
  total: z.number().int(),
  processed: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), message: z.string() })),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  /**
   * Why a job stopped early: `cancelled` when its user lost the right to run it, `failed` when a
   * restart interrupted it; null otherwise.
   */
  stopReason: z.string().nullable(),
});
export type Job = z.infer<typeof jobSchema>;
