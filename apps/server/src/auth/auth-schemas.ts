import { ROLES } from '@hdns/protocol';
import { z } from 'zod';

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

export const tokenResponseSchema = z
  .object({
    accessToken: z.string().describe('JWT (HS256); send as `Authorization: Bearer <token>`'),
    expiresIn: z.number().int().describe('Seconds until the access token expires'),
    tokenType: z.literal('Bearer'),
    user: sessionUserSchema,
  })
  .meta({ id: 'TokenResponse' });
export type TokenResponse = z.infer<typeof tokenResponseSchema>;
