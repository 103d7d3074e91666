/**
 * Account and session events. Admin-only, as in both legacy protocols ("non-admins never
 * received user_login, user_logout or session_expired"). Usernames and addresses are also marked
 * admin-only, so lowering `minRole` later cannot leak them by accident.
 */
import { z } from 'zod';
import { idString, ipAddress, permissionSet, username } from './common.js';
import { defineEvent } from './spec.js';

const who = { userId: idString, username };
const personal = { username: 'admin', ip: 'admin' } as const;

export const USER_EVENTS = {
  user_login: defineEvent({
    category: 'user',
    priority: 'normal',
    minRole: 'admin',
    sensitive: personal,
    zoneScoped: false,
    description: 'A user logged in (password login, not token refresh).',
    schema: z.object({
      ...who,
      ip: ipAddress.nullable().optional(),
      userAgent: z.string().max(512).nullable().optional(),
      method: z.enum(['password', 'token']).optional(),
    }),
  }),
  user_logout: defineEvent({
    category: 'user',
    priority: 'normal',
    minRole: 'admin',
    sensitive: personal,
    zoneScoped: false,
    description: 'A user logged out.',
    schema: z.object({
      ...who,
      ip: ipAddress.nullable().optional(),
      userAgent: z.string().max(512).nullable().optional(),
    }),
  }),
  session_expired: defineEvent({
    category: 'user',
    priority: 'normal',
    minRole: 'admin',
    sensitive: { username: 'admin' },
    zoneScoped: false,
    description:
      'A session ended without a logout: it timed out or was revoked. `sessionId` names a login session its user ended; `apiTokenId` an API token that was revoked (its sockets close).',
    schema: z.object({
      ...who,
      sessionId: idString.optional(),
      apiTokenId: idString.optional(),
      reason: z.enum(['expired', 'revoked', 'refresh_reuse', 'user_disabled', 'password_changed']),
    }),
  }),
  permission_changed: defineEvent({
    category: 'user',
    priority: 'high',
    minRole: 'admin',
    sensitive: { username: 'admin' },
    zoneScoped: false,
    description:
      "A user's role or zone grants changed. The server also re-checks that user's live subscriptions.",
    schema: z.object({ ...who, before: permissionSet, after: permissionSet }),
  }),
} as const;
