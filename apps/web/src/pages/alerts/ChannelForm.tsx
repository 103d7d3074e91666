/** Create a notification channel: an HTTP kind with its URL and, for webhooks, an HMAC secret. */
import { useState, type FormEvent, type ReactNode } from 'react';
import type { AlertChannel, AlertChannelKind } from '@hdns/protocol/rest';
import { errorMessage } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { Field } from '../../components/Field';

const KINDS: readonly { kind: Exclude<AlertChannelKind, 'email'>; label: string }[] = [
  { kind: 'webhook', label: 'Webhook (signed JSON)' },
  { kind: 'slack', label: 'Slack' },
  { kind: 'teams', label: 'Microsoft Teams' },
  { kind: 'alertmanager', label: 'Alertmanager' },
];

export function ChannelForm({
  onCreated,
  onCancel,
}: {
  onCreated: (channel: AlertChannel) => void;
  onCancel: () => void;
}): ReactNode {
  const api = useApi();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Exclude<AlertChannelKind, 'email'>>('webhook');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const config = { url: url.trim(), ...(secret ? { secret } : {}) };
      onCreated(await api.createAlertChannel({ body: { name: name.trim(), kind, config } }));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <form className="form subform" onSubmit={(e) => void submit(e)} aria-label="New channel">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-row">
        <Field label="Name">
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </Field>
        <Field label="Kind">
          <select
            value={kind}
            onChange={(e) => setKind(e.target.value as Exclude<AlertChannelKind, 'email'>)}
          >
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className="form-row">
        <Field label="URL">
          <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} required />
        </Field>
        {kind === 'webhook' && (
          <Field label="Signing secret (optional, 16+ characters)">
            <input
              type="password"
              autoComplete="off"
              value={secret}
              minLength={16}
              onChange={(e) => setSecret(e.target.value)}
            />
          </Field>
        )}
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Create channel
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
