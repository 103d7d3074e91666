/**
 * Loads the signed-in user's notification preferences once per sign-in, so toasts and unread
 * counts follow them from the first event. A failure keeps the defaults (toasts for all): the
 * preferences only ever quieten the dashboard, so the safe fallback is to show everything.
 */
import { useEffect } from 'react';
import { useApi, useSignedIn } from '../auth/auth-context';
import {
  resetNotificationPreferences,
  setNotificationPreferences,
} from './notification-preferences';

export function PreferencesLoader(): null {
  const api = useApi();
  const user = useSignedIn();
  useEffect(() => {
    const controller = new AbortController();
    api.getAccountPreferences({ signal: controller.signal }).then(
      (p) => {
        if (!controller.signal.aborted) setNotificationPreferences(p.notifications);
      },
      () => undefined,
    );
    return () => {
      controller.abort();
      resetNotificationPreferences();
    };
  }, [api, user.id]);
  return null;
}
