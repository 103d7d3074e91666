import { CATEGORIES } from '@hdns/protocol';
import { DEFAULT_NOTIFICATION_PREFERENCES } from '@hdns/protocol/rest';
import { beforeAll, expect, it } from 'vitest';
import { describeStorage } from '../../test/storage-backends.js';
import type { Db } from '../storage/db.js';
import { UserRepository } from '../users/user-repository.js';
import { NotificationPreferencesStore } from './notification-preferences-store.js';

describeStorage('NotificationPreferencesStore', (open) => {
  let db: Db;
  let userId: string;
  beforeAll(async () => {
    db = await open();
    const user = await new UserRepository(db).insert({
      username: 'prefs',
      passwordHash: 'x',
      role: 'viewer',
      zones: null,
    });
    userId = user.id;
  });

  it('answers the defaults until saved, then what was saved, replacing it on each save', async () => {
    const store = new NotificationPreferencesStore(db);
    expect(await store.get(userId)).toEqual(DEFAULT_NOTIFICATION_PREFERENCES);
    const first = { ...DEFAULT_NOTIFICATION_PREFERENCES, dns: 'quiet' as const };
    expect(await store.put(userId, first)).toEqual(first);
    const second = { ...first, dns: 'unread' as const, bulk: 'quiet' as const };
    expect(await store.put(userId, second)).toEqual(second);
    expect(await store.get(userId)).toEqual(second);
  });

  it('reads a row written by an older or damaged version leniently, category by category', async () => {
    const store = new NotificationPreferencesStore(db);
    // A category missing (added later), a mode since dropped, and a category since removed.
    await db
      .updateTable('user_preferences')
      .set({ notifications: JSON.stringify({ dns: 'unread', user: 'loud', weather: 'quiet' }) })
      .where('user_id', '=', userId)
      .execute();
    const read = await store.get(userId);
    expect(Object.keys(read).sort()).toEqual([...CATEGORIES].sort());
    expect(read).toEqual({ ...DEFAULT_NOTIFICATION_PREFERENCES, dns: 'unread' });
    await db
      .updateTable('user_preferences')
      .set({ notifications: 'not json' })
      .where('user_id', '=', userId)
      .execute();
    expect(await store.get(userId)).toEqual(DEFAULT_NOTIFICATION_PREFERENCES);
  });

  it('goes with the user', async () => {
    await new UserRepository(db).delete(userId);
    const rows = await db.selectFrom('user_preferences').selectAll().execute();
    expect(rows.filter((r) => r.user_id === userId)).toEqual([]);
  });
});
