/** Global forwarders and response-policy (RPZ) rules: bodies of /api/forwarders and /api/rpz. */
import { z } from 'zod';
import { RPZ_CATEGORIES, RPZ_RULE_ACTIONS } from './lists.js';

export const idParamsSchema = z.object({ id: z.string().min(1).max(64) });

const forwarderFields = {
  name: z.string().trim().min(1).max(100),
  address: z.union([z.ipv4(), z.ipv6()]),
  port: z.number().int().min(1).max(65_535),
  enabled: z.boolean(),
};
export const forwarderInputSchema = z.object({
  ...forwarderFields,
  port: forwarderFields.port.default(53),
  enabled: forwarderFields.enabled.default(true),
});
/**
 * Only the fields sent change. Built without the defaults: zod applies a default inside
 * `.partial()`, which would reset an absent port to 53 and re-enable a disabled forwarder.
 */
export const forwarderPatchSchema = z
  .object(forwarderFields)
  .partial()
  .extend({ version: z.number().int().positive() });

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
export type Forwarder = z.infer<typeof forwarderSchema>;
export const forwarderListSchema = z.object({ forwarders: z.array(forwarderSchema) });

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
export type RpzRule = z.infer<typeof rpzRuleSchema>;
export const rpzRuleListSchema = z.object({ rules: z.array(rpzRuleSchema) });
