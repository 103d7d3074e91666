/**
 * One user: role and zone grants edited in place (saved with the version read; a stale version
 * reloads the list), disable/enable, delete.
 */
import { useState, type ReactNode } from 'react';
import { ROLES, type Role } from '@hdns/protocol';
import { errorMessage, isApiError } from '../../api/api-error';
import type { User } from '@hdns/protocol/rest';
import { useApi, useSignedIn } from '../../auth/auth-context';
import { ConfirmButton } from '../../components/ConfirmButton';
import { showToast } from '../../shell/toast-store';
import { parseZones, zonesText } from './zones-input';

export function UserRow({
  user,
  onChanged,
  onDeleted,
  onStale,
}: {
  user: User;
  onChanged: (u: User) => void;
  onDeleted: (id: string) => void;
  onStale: () => void;
}): ReactNode {
  const api = useApi();
  const me = useSignedIn();
  const [editing, setEditing] = useState(false);
  const [role, setRole] = useState<Role>(user.role);
  const [zones, setZones] = useState(zonesText(user.zones));
  const [busy, setBusy] = useState(false);

  const patch = async (body: Partial<Pick<User, 'role' | 'zones' | 'disabled'>>) => {
    setBusy(true);
    try {
      onChanged(
        await api.updateUser({ params: { id: user.id }, body: { ...body, version: user.version } }),
      );
      setEditing(false);
    } catch (err) {
      if (isApiError(err, 'STALE_VERSION')) {
        showToast({
          level: 'warning',
          title: `${user.username} was changed by someone else`,
          body: 'The list was reloaded; try again.',
        });
        onStale();
      } else {
        showToast({
          level: 'warning',
          title: `Could not update ${user.username}`,
          body: errorMessage(err),
        });
      }
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    try {
      await api.deleteUser({ params: { id: user.id } });
      onDeleted(user.id);
    } catch (err) {
      showToast({
        level: 'warning',
        title: `Could not delete ${user.username}`,
        body: errorMessage(err),
      });
    }
  };

  const self = user.id === me.id;
  return (
    <tr className={user.disabled ? 'muted' : undefined} data-testid="user-row">
      <td data-label="User">
        {user.username}
        {self && <span className="muted small"> (you)</span>}
      </td>
      <td data-label="Role">
        {editing ? (
          <select
            aria-label={`Role of ${user.username}`}
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        ) : (
          <span className="role-tag">{user.role}</span>
        )}
      </td>
      <td data-label="Zones">
        {editing && role !== 'admin' ? (
          <input
            aria-label={`Zones of ${user.username}`}
            placeholder="all zones"
            value={zones}
            onChange={(e) => setZones(e.target.value)}
          />
        ) : user.zones === null ? (
          <span className="muted">all</span>
        ) : (
          <span className="mono small">{user.zones.join(', ') || 'none'}</span>
        )}
      </td>
      <td data-label="Status">
        {user.disabled ? (
          <span className="pill pill-bad">disabled</span>
        ) : (
          <span className="pill pill-ok">active</span>
        )}
      </td>
      <td className="actions">
        {editing ? (
          <>
            <button
              type="button"
              className="btn btn-small btn-primary"
              disabled={busy}
              onClick={() =>
                void patch({ role, zones: role === 'admin' ? null : parseZones(zones) })
              }
            >
              Save
            </button>
            <button type="button" className="btn btn-small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </>
        ) : (
          <>
            <button
              type="button"
              className="btn btn-small"
              aria-label={`Edit ${user.username}`}
              onClick={() => setEditing(true)}
            >
              Edit
            </button>
            {!self && (
              <button
                type="button"
                className="btn btn-small"
                disabled={busy}
                onClick={() => void patch({ disabled: !user.disabled })}
              >
                {user.disabled ? 'Enable' : 'Disable'}
              </button>
            )}
            {!self && (
              <ConfirmButton
                label="Delete"
                ariaLabel={`Delete user ${user.username}`}
                onConfirm={remove}
              />
            )}
          </>
        )}
      </td>
    </tr>
  );
}
