/** Create an API token: name, role (up to yours), zones, read-only, expiry. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { ROLES, roleAtLeast, type Role } from '@hdns/protocol';
import type { CreatedApiToken } from '@hdns/protocol/rest';
import { errorMessage } from '../../api/api-error';
import { useApi, useSignedIn } from '../../auth/auth-context';
import { Field } from '../../components/Field';
import { parseZones } from '../admin/zones-input';

export function TokenForm({
  onCreated,
  onCancel,
}: {
  onCreated: (created: CreatedApiToken) => void;
  onCancel: () => void;
}): ReactNode {
  const api = useApi();
  const user = useSignedIn();
  const roles = ROLES.filter((r) => roleAtLeast(user.role, r));
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(user.role);
  const [zones, setZones] = useState('');
  const [readOnly, setReadOnly] = useState(user.role === 'viewer');
  const [days, setDays] = useState('90');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const expiresInDays = days.trim() === '' ? undefined : Number(days);
      onCreated(
        await api.createApiToken({
          body: {
            name: name.trim(),
            role,
            zones: role === 'admin' ? null : parseZones(zones),
            readOnly,
            ...(expiresInDays !== undefined ? { expiresInDays } : {}),
          },
        }),
      );
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <form className="form subform" onSubmit={(e) => void submit(e)} aria-label="New API token">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-row">
        <Field label="Name">
          <input
            name="token-name"
            required
            maxLength={100}
            autoComplete="off"
            placeholder="backup script"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field label="Role">
          <select name="token-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        {role !== 'admin' && (
          <Field label="Zones (empty: all yours)" className="grow">
            <input
              name="token-zones"
              placeholder="example.com, corp.example"
              value={zones}
              onChange={(e) => setZones(e.target.value)}
            />
          </Field>
        )}
        <Field label="Expires in days (empty: never)">
          <input
            name="token-days"
            type="number"
            min={1}
            max={3650}
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
        </Field>
      </div>
      <label className="check">
        <input
          type="checkbox"
          name="token-read-only"
          checked={readOnly}
          onChange={(e) => setReadOnly(e.target.checked)}
        />{' '}
        Read-only (may only read; every change is refused)
      </label>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create token'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
