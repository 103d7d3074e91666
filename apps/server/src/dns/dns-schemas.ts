import { z } from 'zod';
import { MAX_ZONE_NAME_LENGTH } from '../bind/bind-layout.js';
import { RECORD_INPUT_TYPES, hostName } from './record-input.js';
import { RPZ_CATEGORIES, RPZ_RULE_ACTIONS } from './rpz-service.js';

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

const forwarderAddress = z
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

export const zoneCreateSchema = z.object({
  // A new zone also needs a file name (`db.<zone>`, 255 bytes at most): see bind-layout.ts.
  name: zoneNameSchema.refine(
    (n) => n.replace(/\.$/, '').length <= MAX_ZONE_NAME_LENGTH,
    `at most ${MAX_ZONE_NAME_LENGTH} characters: a longer name does not fit its zone file name`,
  ),
  type: z.enum(['primary', 'forward']).default('primary'),
  defaultTtl: ttl.optional(),
  soa: soaSchema.optional(),
  forwarders: z
    .array(forwarderAddress)
    .max(32)
    .optional()
    .describe('Forward zones: where queries for the zone go'),
  forwardPolicy: z.enum(['only', 'first']).optional(),
  description: z.string().max(500).nullable().optional(),
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
  forwardPolicy: z.enum(['only', 'first']).optional(),
  description: z.string().max(500).nullable().optional(),
});

export const zoneSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(['primary', 'forward']),
  serial: z.number().int().nullable(),
  defaultTtl: z.number().int(),
  soa: soaSchema.nullable(),
  forwarders: z.array(z.string()),
  forwardPolicy: z.enum(['only', 'first']).nullable(),
  description: z.string().nullable(),
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

export const recordSchema = z.object({
  id: z.string(),
  zone: z.string(),
  name: z.string(),
  type: z.enum(RECORD_INPUT_TYPES),
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

export const forwarderInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  address: z.union([z.ipv4(), z.ipv6()]),
  port: z.number().int().min(1).max(65_535).default(53),
  enabled: z.boolean().default(true),
});

export const forwarderSchema = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string(),
  port: z.number().int(),
  enabled: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const ruleDomain = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(
    /^(?:\*\.)?(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?$/,
    'must be a domain, optionally starting with *. for subdomains',
  );

export const rpzRuleInputSchema = z
  .object({
    domain: ruleDomain,
    action: z.enum(RPZ_RULE_ACTIONS),
    redirectTo: z
      .union([z.ipv4(), z.ipv6()])
      .nullable()
      .optional()
      .describe('redirect: answer with this address'),
    category: z.enum(RPZ_CATEGORIES).default('custom'),
    enabled: z.boolean().default(true),
    comment: z.string().max(500).nullable().optional(),
  })
  .refine((r) => r.action !== 'redirect' || !!r.redirectTo, {
    message: 'redirect needs redirectTo (an IP address)',
    path: ['redirectTo'],
  });

export const rpzRulePatchSchema = z.object({
  version: z.number().int().positive(),
  domain: ruleDomain.optional(),
  action: z.enum(RPZ_RULE_ACTIONS).optional(),
  redirectTo: z.union([z.ipv4(), z.ipv6()]).nullable().optional(),
  category: z.enum(RPZ_CATEGORIES).optional(),
  enabled: z.boolean().optional(),
  comment: z.string().max(500).nullable().optional(),
});

export const rpzRuleSchema = z.object({
  id: z.string(),
  domain: z.string(),
  action: z.enum(RPZ_RULE_ACTIONS),
  redirectTo: z.string().nullable(),
  category: z.enum(RPZ_CATEGORIES),
  enabled: z.boolean(),
  comment: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

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
  status: z.enum(['running', 'succeeded', 'partial', 'failed', 'cancelled']),
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
