/** Send a message to every connected user (admin_broadcast, critical: ahead of queued events). */
import { useState, type FormEvent, type ReactNode } from 'react';
import { errorMessage } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { showToast } from '../../shell/toast-store';
import { Field } from '../../components/Field';

type Level = 'info' | 'warning' | 'critical';

export function BroadcastForm(): ReactNode {
  const api = useApi();
  const [title, setTitle] = useState('');
  const [message, setMessage] = useState('');
  const [level, setLevel] = useState<Level>('info');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.broadcast({
        body: {
          message: message.trim(),
          level,
          ...(title.trim() ? { title: title.trim() } : {}),
        },
      });
      setMessage('');
      setTitle('');
      showToast({ level: 'success', title: 'Broadcast sent' });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article className="card" aria-labelledby="bc-title">
      <h2 id="bc-title">Broadcast a message</h2>
      <form className="form" onSubmit={(e) => void submit(e)}>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="form-row">
          <Field label="Title (optional)" className="grow">
            <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
          </Field>
          <Field label="Level">
            <select value={level} onChange={(e) => setLevel(e.target.value as Level)}>
              <option value="info">info</option>
              <option value="warning">warning</option>
              <option value="critical">critical</option>
            </select>
          </Field>
        </div>
        <Field label="Message">
          <textarea
            required
            rows={3}
            maxLength={2000}
            value={message}
            onChange={(e) => setMessage(e.target.value)}
          />
        </Field>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy || !message.trim()}>
            {busy ? 'Sending…' : 'Send to everyone'}
          </button>
        </div>
      </form>
    </article>
  );
}
