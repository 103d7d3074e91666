/**
 * Change your own password. The server checks the current one (counted like a login), ends every
 * other session, and answers with a token of the new version, which this tab adopts: it stays
 * signed in (its live connection reconnects once).
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { useApi, useAuth } from '../../auth/auth-context';
import { Field } from '../../components/Field';
import { passwordChangeError } from './password-errors';

const MIN_LENGTH = 8;

export function PasswordForm(): ReactNode {
  const api = useApi();
  const { session } = useAuth();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    if (next.length < MIN_LENGTH) {
      setError(`The new password needs at least ${MIN_LENGTH} characters.`);
      return;
    }
    if (next !== repeat) {
      setError('The two new passwords differ.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const token = await api.changePassword({
        body: { currentPassword: current, newPassword: next },
      });
      session.adopt(token);
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
    } catch (err) {
      setError(passwordChangeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article className="card" aria-labelledby="password-title">
      <header className="card-head">
        <h2 id="password-title">Password</h2>
      </header>
      <form className="form" aria-label="Change password" onSubmit={(e) => void submit(e)}>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {done && (
          <p className="form-ok" role="status">
            Password changed. Your other sessions were signed out.
          </p>
        )}
        <Field label="Current password">
          <input
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </Field>
        <Field label="New password">
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_LENGTH}
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </Field>
        <Field label="Repeat new password">
          <input
            type="password"
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
          />
        </Field>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </article>
  );
}
