/** Create a user with a role and optional zone grants. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { ROLES, type Role } from '@hdns/protocol';
import { errorMessage } from '../../api/api-error';
import type { User } from '@hdns/protocol/rest';
import { useApi } from '../../auth/auth-context';
import { parseZones } from './zones-input';
import { Field } from '../../components/Field';

export function UserForm({
  onCreated,
  onCancel,
}: {
  onCreated: (u: User) => void;
  onCancel: () => void;
}): ReactNode {
  const api = useApi();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [zones, setZones] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onCreated(
        await api.createUser({
          body: {
            username: username.trim(),
            password,
            role,
            zones: role === 'admin' ? null : parseZones(zones),
          },
        }),
      );
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <form className="form subform" onSubmit={(e) => void submit(e)} aria-label="New user">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-row">
        <Field label="Username">
          <input
            name="new-username"
            required
            autoComplete="off"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </Field>
        <Field label="Password">
          <input
            name="new-password"
            type="password"
            required
            minLength={8}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <Field label="Role">
          <select name="new-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        {role !== 'admin' && (
          <Field label="Zones (empty: all)" className="grow">
            <input
              name="new-zones"
              placeholder="example.com, corp.example"
              value={zones}
              onChange={(e) => setZones(e.target.value)}
            />
          </Field>
        )}
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create user'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
