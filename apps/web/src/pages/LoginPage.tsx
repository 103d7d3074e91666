/** Sign-in form. On success the session holds the token and the router shows the app. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { errorMessage, isApiError } from '../api/api-error';
import { useAuth } from '../auth/auth-context';
import { Field } from '../components/Field';

export function LoginPage({ message }: { message?: string | undefined }): ReactNode {
  const { session } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await session.login(username.trim(), password);
    } catch (err) {
      setError(
        isApiError(err, 'INVALID_CREDENTIALS')
          ? 'Wrong username or password.'
          : isApiError(err, 'TOO_MANY_ATTEMPTS')
            ? 'Too many attempts. Wait a moment and try again.'
            : errorMessage(err),
      );
      setBusy(false);
    }
  };

  return (
    <div className="login-wrap">
      <form className="login card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title">Hybrid DNS Server</h1>
        <p className="muted">Sign in to manage zones and watch your DNS live.</p>
        {message && !error && (
          <p className="notice" role="status">
            {message}
          </p>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <Field label="Username">
          <input
            name="username"
            autoComplete="username"
            required
            autoFocus
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </Field>
        <Field label="Password">
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
