/**
 * Self-service: bodies of /api/account, where a signed-in user of any role manages their own
 * password, login sessions and notification preferences. The `.meta({ id })` shapes are
 * OpenAPI components.
 */
import { z } from 'zod';
import { CATEGORIES, type Category } from '../categories.js';
import { passwordSchema } from './user-schemas.js';

export const changePasswordBodySchema = z.strictObject({
  /** Checked like a login (and counted by the same limits): a stolen access token alone cannot change it. */
  currentPassword: z.string().min(1).max(1024),
  /** The same policy as an admin-set password. */
  newPassword: passwordSchema,
});
export type ChangePasswordBody = z.infer<typeof changePasswordBodySchema>;

/** A login session: one refresh-token family, from a login through every rotation. */
export const accountSessionSchema = z
  .object({
    id: z.string().describe('The session id (its refresh-token family)'),
    createdAt: z.string().describe('When the login happened'),
    lastUsedAt: z.string().describe('When the session last refreshed its access token'),
    expiresAt: z.string().describe('When the session ends unless it is used again'),
    ip: z.string().nullable().describe('Client address of the last login or refresh'),
    userAgent: z.string().nullable().describe('User-Agent of the last login or refresh'),
    current: z.boolean().describe('True for the session of the token making this request'),
  })
  .meta({ id: 'AccountSession' });
export type AccountSession = z.infer<typeof accountSessionSchema>;

export const accountSessionListSchema = z.object({ sessions: z.array(accountSessionSchema) });
export type AccountSessionList = z.infer<typeof accountSessionListSchema>;

export const accountSessionParamsSchema = z.object({ id: z.uuid() });

export const endedSessionsSchema = z.object({
  ended: z.number().int().nonnegative().describe('How many sessions were ended'),
});
export type EndedSessions = z.infer<typeof endedSessionsSchema>;

/**
 * What the dashboard does with a live event of a category: raise a toast (and count it as
 * unread), only count it as unread, or neither.
 */
export const NOTIFICATION_MODES = ['toast', 'unread', 'quiet'] as const;
export type NotificationMode = (typeof NOTIFICATION_MODES)[number];
export const notificationModeSchema = z.enum(NOTIFICATION_MODES);

/** Every category gets a mode: a preference store always answers the whole map. */
export const notificationPreferencesSchema = z
  .strictObject(
    Object.fromEntries(CATEGORIES.map((c) => [c, notificationModeSchema])) as Record<
      Category,
      typeof notificationModeSchema
    >,
  )
  .meta({ id: 'NotificationPreferences' });
export type NotificationPreferences = z.infer<typeof notificationPreferencesSchema>;

/** What a user who never saved preferences gets: toasts for everything, as before. */
export const DEFAULT_NOTIFICATION_PREFERENCES: Readonly<NotificationPreferences> = Object.freeze(
  Object.fromEntries(CATEGORIES.map((c) => [c, 'toast'])) as NotificationPreferences,
);

export const accountPreferencesSchema = z
  .strictObject({ notifications: notificationPreferencesSchema })
  .meta({ id: 'AccountPreferences' });
export type AccountPreferences = z.infer<typeof accountPreferencesSchema>;
