import {
  DEFAULT_NOTIFICATION_PREFERENCES,
  notificationModeSchema,
  type NotificationPreferences,
} from '@hdns/protocol/rest';
import { CATEGORIES } from '@hdns/protocol';
import type { Db } from '../storage/db.js';

/**
 * Reads a stored map leniently: each category's stored mode if it is still a valid mode, else
 * the default. A category added after the row was written, or a mode since dropped, thus gets
 * its default instead of failing the read (no migration needed for either).
 */
function parseStored(raw: string): NotificationPreferences {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = {};
  }
  const stored = typeof value === 'object' && value !== null ? value : {};
  const out = { ...DEFAULT_NOTIFICATION_PREFERENCES };
  for (const category of CATEGORIES) {
    const mode = notificationModeSchema.safeParse((stored as Record<string, unknown>)[category]);
    if (mode.success) out[category] = mode.data;
  }
  return out;
}

/** Per-user notification preferences (table `user_preferences`, migration 0011). */
export class NotificationPreferencesStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The user's preferences; the defaults (toasts for every category) when never saved. */
  async get(userId: string): Promise<NotificationPreferences> {
    const row = await this.db
      .selectFrom('user_preferences')
      .select('notifications')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row ? parseStored(row.notifications) : { ...DEFAULT_NOTIFICATION_PREFERENCES };
  }

  /** Replaces the user's preferences (already validated against the protocol schema). */
  async put(userId: string, prefs: NotificationPreferences): Promise<NotificationPreferences> {
    const notifications = JSON.stringify(prefs);
    const updated_at = this.now().toISOString();
    await this.db
      .insertInto('user_preferences')
      .values({ user_id: userId, notifications, updated_at })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ notifications, updated_at }))
      .execute();
    return this.get(userId);
  }
}
