/**
 * Per category, what a live event does in this dashboard: a toast (and an unread count), only an
 * unread count, or nothing. Stored on the server for the user, so every browser they sign in
 * with follows it; saving applies it at once to this tab.
 */
import { useState, type ReactNode } from 'react';
import { CATEGORIES, type Category } from '@hdns/protocol';
import {
  NOTIFICATION_MODES,
  type NotificationMode,
  type NotificationPreferences,
} from '@hdns/protocol/rest';
import { errorMessage } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import {
  setNotificationPreferences,
  useNotificationPreferences,
} from '../../shell/notification-preferences';

const CATEGORY_LABELS: Readonly<Record<Category, string>> = {
  dns: 'DNS changes (zones, records, reloads)',
  security: 'Security (threats, RPZ, blocked queries)',
  health: 'Health (monitors, forwarders, alerts)',
  system: 'System (settings, broadcasts)',
  user: 'Users and sign-ins',
  bulk: 'Bulk jobs (imports)',
  query: 'Queries',
};

const MODE_LABELS: Readonly<Record<NotificationMode, string>> = {
  toast: 'Toast',
  unread: 'Unread only',
  quiet: 'Quiet',
};

export function NotificationPrefsPanel(): ReactNode {
  const api = useApi();
  const saved = useNotificationPreferences();
  const [draft, setDraft] = useState<NotificationPreferences | undefined>(undefined);
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);
  const shown = draft ?? saved;

  const save = async () => {
    setBusy(true);
    setError(undefined);
    setStatus(undefined);
    try {
      const answer = await api.putAccountPreferences({ body: { notifications: shown } });
      setNotificationPreferences(answer.notifications);
      setDraft(undefined);
      setStatus('Saved.');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article className="card" aria-labelledby="notifications-title">
      <header className="card-head">
        <h2 id="notifications-title">Notifications</h2>
      </header>
      <p className="small muted">
        Toast: a pop-up for urgent events and others’ changes, counted as unread. Unread only: the
        bell counts it, no pop-up. Quiet: neither (the event history still lists it).
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form">
        <div className="table-wrap">
          <table className="table compact" aria-label="Notification preferences">
            <thead>
              <tr>
                <th scope="col">Category</th>
                <th scope="col">Mode</th>
              </tr>
            </thead>
            <tbody>
              {CATEGORIES.map((c) => (
                <tr key={c}>
                  <td>{CATEGORY_LABELS[c]}</td>
                  <td>
                    <select
                      aria-label={`Notifications for ${c}`}
                      value={shown[c]}
                      onChange={(e) => {
                        setStatus(undefined);
                        setDraft({ ...shown, [c]: e.target.value as NotificationMode });
                      }}
                    >
                      {NOTIFICATION_MODES.map((m) => (
                        <option key={m} value={m}>
                          {MODE_LABELS[m]}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="form-actions">
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy || draft === undefined}
            onClick={() => void save()}
          >
            {busy ? 'Saving…' : 'Save notifications'}
          </button>
          {status && (
            <span className="small muted" role="status">
              {status}
            </span>
          )}
        </div>
      </div>
    </article>
  );
}
