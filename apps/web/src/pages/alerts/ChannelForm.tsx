/**
 * Create or edit a notification channel: an HTTP kind with its URL (and, for webhooks, an HMAC
 * secret) or email over SMTP. The kind is fixed once created (the server's PATCH keeps it).
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import type { AlertChannel, AlertChannelKind } from '@hdns/protocol/rest';
import { errorMessage } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { Field } from '../../components/Field';
import {
  channelConfig,
  draftFromChannel,
  emptyChannelDraft,
  type ChannelDraft,
} from './channel-draft';
import { EmailFields } from './EmailFields';

const KINDS: readonly { kind: AlertChannelKind; label: string }[] = [
  { kind: 'webhook', label: 'Webhook (signed JSON)' },
  { kind: 'slack', label: 'Slack' },
  { kind: 'teams', label: 'Microsoft Teams' },
  { kind: 'alertmanager', label: 'Alertmanager' },
  { kind: 'email', label: 'Email (SMTP)' },
];

export function ChannelForm({
  channel,
  onSaved,
  onCancel,
}: {
  /** The channel to edit; absent: a new one. */
  channel?: AlertChannel;
  onSaved: (channel: AlertChannel) => void;
  onCancel: () => void;
}): ReactNode {
  const api = useApi();
  const [draft, setDraft] = useState<ChannelDraft>(() =>
    channel ? draftFromChannel(channel) : emptyChannelDraft(),
  );
  const set = (patch: Partial<ChannelDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const hasSecret = channel?.config.hasSecret ?? false;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const common = {
        name: draft.name.trim(),
        enabled: draft.enabled,
        config: channelConfig(draft),
      };
      onSaved(
        channel
          ? await api.updateAlertChannel({ params: { id: channel.id }, body: common })
          : await api.createAlertChannel({ body: { ...common, kind: draft.kind } }),
      );
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <form
      className="form subform"
      onSubmit={(e) => void submit(e)}
      aria-label={channel ? `Edit channel ${channel.name}` : 'New channel'}
    >
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-row">
        <Field label="Name">
          <input
            value={draft.name}
            onChange={(e) => set({ name: e.target.value })}
            required
            maxLength={100}
          />
        </Field>
        <Field label="Kind">
          <select
            value={draft.kind}
            disabled={channel !== undefined}
            onChange={(e) => set({ kind: e.target.value as AlertChannelKind })}
          >
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </Field>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.enabled}
            onChange={(e) => set({ enabled: e.target.checked })}
          />
          Enabled
        </label>
      </div>
      {draft.kind === 'email' ? (
        <EmailFields
          draft={draft}
          set={set}
          hasPassword={channel?.config.hasSmtpPassword ?? false}
        />
      ) : (
        <div className="form-row">
          <Field label="URL" className="grow">
            <input
              type="url"
              value={draft.url}
              onChange={(e) => set({ url: e.target.value })}
              required
            />
          </Field>
          {draft.kind === 'webhook' && (
            <Field
              label={
                hasSecret
                  ? 'Signing secret (blank keeps the current one)'
                  : 'Signing secret (optional, 16+ characters)'
              }
            >
              <input
                type="password"
                autoComplete="new-password"
                value={draft.secret}
                minLength={16}
                onChange={(e) => set({ secret: e.target.value })}
              />
            </Field>
          )}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {channel ? 'Save channel' : 'Create channel'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
