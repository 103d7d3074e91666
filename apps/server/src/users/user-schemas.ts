import { ROLES } from '@hdns/protocol';
import { z } from 'zod';

/**
 * Request and response shapes for users, shared by the routes (validation and OpenAPI) and by
 * the tests. One definition each.
 */

export const usernameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/,
    'must be 1-64 characters: letters, digits, ".", "_", "@", "-", starting with a letter or digit',
  );

export const passwordSchema = z.string().min(8).max(1024);

/** A DNS zone name, lower-cased and without the trailing dot. */
export const zoneNameSchema = z
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
  .array(zoneNameSchema)
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
