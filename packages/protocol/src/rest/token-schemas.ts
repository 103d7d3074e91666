/**
 * API tokens: long-lived, scoped credentials for scripts and the CLI (`/api/tokens`). A token
 * acts as its owner narrowed to its own role, zones and read-only flag; the secret is shown
 * once, in the create answer, and stored only as a hash.
 */
import { z } from 'zod';
import { roleSchema, zonesSchema } from './user-schemas.js';

/** What every API token starts with, so a client (and the server) can tell it from a JWT. */
export const API_TOKEN_PREFIX = 'hdns_';

/** How many characters of the secret (after the prefix) are kept to recognise a token. */
export const API_TOKEN_SHOWN_CHARS = 8;

/** Longest lifetime a token may ask for. */
export const API_TOKEN_MAX_DAYS = 3650;

export const apiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: roleSchema,
    /** null: every zone the owner may reach. */
    zones: z.array(z.string()).nullable(),
    readOnly: z.boolean(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    /** The client address of the last use. */
    lastUsedFrom: z.string().nullable(),
    ownerId: z.string(),
    ownerUsername: z.string(),
    /** `hdns_` and the first characters of the secret: enough to recognise it, not to use it. */
    prefix: z.string(),
  })
  .meta({ id: 'ApiToken' });
export type ApiToken = z.infer<typeof apiTokenSchema>;

export const apiTokenListSchema = z.object({ tokens: z.array(apiTokenSchema) });
export type ApiTokenList = z.infer<typeof apiTokenListSchema>;

export const createApiTokenBodySchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    /** Default: the creator's role. May not exceed it (TOKEN_SCOPE_TOO_WIDE). */
    role: roleSchema.optional(),
    /** Default null (every zone the owner may reach); must lie within the creator's zones. */
    zones: zonesSchema.optional(),
    readOnly: z.boolean().optional(),
    expiresInDays: z.number().int().min(1).max(API_TOKEN_MAX_DAYS).optional(),
    /** An ISO-8601 instant in the future; give this or `expiresInDays`, not both. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((b) => b.expiresInDays === undefined || b.expiresAt === undefined, {
    message: 'give expiresInDays or expiresAt, not both',
    path: ['expiresAt'],
  });
export type CreateApiTokenBody = z.infer<typeof createApiTokenBodySchema>;

export const createdApiTokenSchema = z
  .object({
    token: apiTokenSchema,
    /** The whole secret, shown this once: only its hash is kept. */
    secret: z.string(),
  })
  .meta({ id: 'CreatedApiToken' });
export type CreatedApiToken = z.infer<typeof createdApiTokenSchema>;

export const apiTokenListQuerySchema = z.object({
  /** Admins only: every user's tokens. */
  all: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

export const apiTokenIdParamsSchema = z.object({ id: z.uuid() });
