/**
 * Users and sessions: bodies of /api/users (admin only) and /api/auth. The `.meta({ id })`
 * shapes are OpenAPI components.
 */
import { z } from 'zod';
import { ROLES } from './lists.js';

export const usernameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/,
    'must be 1-64 characters: letters, digits, ".", "_", "@", "-", starting with a letter or digit',
  );

export const passwordSchema = z.string().min(8).max(1024);

/** A zone named in a grant: lower-cased and without the trailing dot. */
export const grantZoneSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((s) => s.replace(/\.$/, ''))
  .pipe(
    z
      .string()
      .max(253)
      .regex(
        /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/,
        'must be a DNS zone name',
      ),
  );

/** null: all zones. An array (maybe empty): only these zones. */
export const zonesSchema = z
  .array(grantZoneSchema)
  .max(10_000)
  .transform((zones) => [...new Set(zones)].sort())
  .nullable();

export const roleSchema = z.enum(ROLES);

export const userIdParamsSchema = z.object({ id: z.uuid() });

export const userSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    role: roleSchema,
    zones: z.array(z.string()).nullable(),
    disabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof userSchema>;

export const userListSchema = z.object({ users: z.array(userSchema) });

export const createUserBodySchema = z.strictObject({
  username: usernameSchema,
  password: passwordSchema,
  role: roleSchema,
  zones: zonesSchema.optional(),
});
export type CreateUserBody = z.infer<typeof createUserBodySchema>;

export const updateUserBodySchema = z.strictObject({
  role: roleSchema.optional(),
  zones: zonesSchema.optional(),
  disabled: z.boolean().optional(),
  password: passwordSchema.optional(),
  /** The version the client read; a mismatch answers 409 STALE_VERSION. */
  version: z.number().int().min(1),
});
export type UpdateUserBody = z.infer<typeof updateUserBodySchema>;

export const loginBodySchema = z.object({
  username: z.string().min(1).max(256),
  password: z.string().min(1).max(1024),
});

export const sessionUserSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    role: z.enum(ROLES),
    zones: z.array(z.string()).nullable(),
  })
  .meta({ id: 'SessionUser' });
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const tokenResponseSchema = z
  .object({
    accessToken: z.string().describe('JWT (HS256); send as `Authorization: Bearer <token>`'),
    expiresIn: z.number().int().describe('Seconds until the access token expires'),
    tokenType: z.literal('Bearer'),
    user: sessionUserSchema,
  })
  .meta({ id: 'TokenResponse' });
export type TokenResponse = z.infer<typeof tokenResponseSchema>;
