/**
 * The signed-in user's notification preferences (stored on the server, /api/account/preferences)
 * as a tiny external store, so the toast rule and the notification feed's filter read the
 * current choice without re-creating the realtime client: `toast` raises toasts and counts as
 * unread, `unread` only counts, `quiet` does neither. Until the server answers, every category
 * is `toast` (the behaviour before preferences existed).
 */
import { useSyncExternalStore } from 'react';
import type { Category, EventFrameUnion } from '@hdns/protocol';
import {
  DEFAULT_NOTIFICATION_PREFERENCES,
  type NotificationMode,
  type NotificationPreferences,
} from '@hdns/protocol/rest';
import { notificationsOnly } from '@hdns/react';

let current: Readonly<NotificationPreferences> = DEFAULT_NOTIFICATION_PREFERENCES;
const listeners = new Set<() => void>();

export function setNotificationPreferences(next: NotificationPreferences): void {
  current = { ...next };
  for (const l of listeners) l();
}

/** Back to the defaults (sign-out, or another user signing in). */
export function resetNotificationPreferences(): void {
  setNotificationPreferences(DEFAULT_NOTIFICATION_PREFERENCES);
}

export function notificationModeOf(category: Category): NotificationMode {
  return current[category];
}

/** The notification feed's filter: its usual rule, minus quiet categories. */
export function feedFilter(event: EventFrameUnion): boolean {
  return notificationsOnly(event) && notificationModeOf(event.category) !== 'quiet';
}

export function useNotificationPreferences(): Readonly<NotificationPreferences> {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}
