/**
 * Replication: TSIG keys (/api/tsig-keys), the secondary servers this one feeds
 * (/api/secondaries, with the catalog zone that provisions them) and each zone's serials
 * (/api/zones/:zone/sync). A key's secret leaves the server once: in the answer that created
 * or rotated it.
 */
import { z } from 'zod';
import { SECONDARY_STATES } from '../event-schemas/replication.js';

export const TSIG_ALGORITHMS = [
  'hmac-sha256',
  'hmac-sha384',
  'hmac-sha512',
  'hmac-sha224',
  'hmac-sha1',
  'hmac-md5',
] as const;
export type TsigAlgorithm = (typeof TSIG_ALGORITHMS)[number];

/** A key name as named.conf and TSIG records carry it: a domain name, lower case. */
export const tsigKeyNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(63)
  .regex(
    /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?)*$/,
    'must be a name like xfr-key or ns2.example.com',
  );

/** Base64 of 16 to 128 bytes (BIND's tsig-keygen makes 32 for hmac-sha256). */
export const tsigSecretSchema = z
  .string()
  .trim()
  .max(200)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64')
  .refine((s) => s.length % 4 === 0, 'must be base64 (length a multiple of 4)')
  .refine((s) => {
    const bytes = (s.length / 4) * 3 - (s.match(/=+$/)?.[0].length ?? 0);
    return bytes >= 16 && bytes <= 128;
  }, 'must decode to 16 to 128 bytes');

export const tsigKeyCreateSchema = z.object({
  name: tsigKeyNameSchema,
  algorithm: z.enum(TSIG_ALGORITHMS).default('hmac-sha256'),
  secret: tsigSecretSchema
    .optional()
    .describe('An existing secret (a key shared with another server); absent: a new random one'),
});

export const tsigKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  algorithm: z.enum(TSIG_ALGORITHMS),
  /** Secondaries and secondary zones that use it. */
  usedBy: z.array(z.string()),
  version: z.number().int(),
  createdAt: z.string(),
  rotatedAt: z.string().nullable(),
});
export type TsigKey = z.infer<typeof tsigKeySchema>;
export const tsigKeyListSchema = z.object({ keys: z.array(tsigKeySchema) });

/** The answer to create and rotate: the only time the secret is shown. */
export const tsigKeySecretSchema = tsigKeySchema.extend({
  secret: z.string(),
  /** The `key` statement to paste into the other server's named.conf. */
  config: z.string(),
});
export type TsigKeyWithSecret = z.infer<typeof tsigKeySecretSchema>;

export const tsigKeyRotateSchema = z.object({
  version: z.number().int().positive(),
  secret: tsigSecretSchema.optional(),
});

const secondaryFields = {
  name: z.string().trim().min(1).max(100),
  address: z.union([z.ipv4(), z.ipv6()]),
  port: z.number().int().min(1).max(65_535),
  tsigKeyId: z
    .string()
    .min(1)
    .max(64)
    .nullable()
    .describe('The key it transfers with; null: transfers by address only'),
  enabled: z.boolean(),
};
export const secondaryInputSchema = z.object({
  ...secondaryFields,
  port: secondaryFields.port.default(53),
  tsigKeyId: secondaryFields.tsigKeyId.default(null),
  enabled: secondaryFields.enabled.default(true),
});
/** Only the fields sent change (no defaults here: an absent field keeps its value). */
export const secondaryPatchSchema = z
  .object(secondaryFields)
  .partial()
  .extend({ version: z.number().int().positive() });

export const secondarySchema = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string(),
  port: z.number().int(),
  tsigKeyId: z.string().nullable(),
  tsigKeyName: z.string().nullable(),
  enabled: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The watcher's last reading (unknown until the first round, or while disabled). */
  state: z.enum(SECONDARY_STATES),
  laggingZones: z.array(z.string()),
  checkedAt: z.string().nullable(),
  message: z.string().nullable(),
});
export type Secondary = z.infer<typeof secondarySchema>;

export const secondaryListSchema = z.object({
  secondaries: z.array(secondarySchema),
  /** The catalog zone secondaries consume (RFC 9432 v2); null when catalog zones are off. */
  catalogZone: z.string().nullable(),
  /** The catalog-zones statement for a BIND secondary, with this server as primary. */
  consumerConfig: z.string().nullable(),
});

export const zoneSyncSchema = z.object({
  zone: z.string(),
  dbSerial: z.number().int().nullable(),
  servedSerial: z.number().int().nullable(),
  secondaries: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      serial: z.number().int().nullable(),
      state: z.enum(SECONDARY_STATES),
    }),
  ),
  drift: z.boolean(),
  checkedAt: z.string().nullable(),
});
export type ZoneSync = z.infer<typeof zoneSyncSchema>;

export type SecondaryState = (typeof SECONDARY_STATES)[number];
