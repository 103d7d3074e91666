/** Users and roles: list, create, change role and zone grants, disable, delete. */
import { useState, type ReactNode } from 'react';
import type { User } from '@hdns/protocol/rest';
import { useApi } from '../../auth/auth-context';
import { ResourceView } from '../../components/StateViews';
import { useResource } from '../../hooks/use-resource';
import { UserForm } from './UserForm';
import { UserRow } from './UserRow';

export function UsersPanel(): ReactNode {
  const api = useApi();
  const users = useResource((signal) => api.listUsers({ signal }), 'users');
  const [creating, setCreating] = useState(false);

  const replace = (u: User) =>
    users.setData((d) => d && { users: d.users.map((x) => (x.id === u.id ? u : x)) });
  const drop = (id: string) =>
    users.setData((d) => d && { users: d.users.filter((x) => x.id !== id) });

  return (
    <article className="card span-2" aria-labelledby="users-title">
      <header className="card-head">
        <h2 id="users-title">Users</h2>
        {!creating && (
          <button
            type="button"
            className="btn btn-primary btn-small"
            onClick={() => setCreating(true)}
          >
            New user
          </button>
        )}
      </header>
      {creating && (
        <UserForm
          onCancel={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            users.reload();
          }}
        />
      )}
      <ResourceView resource={users} isEmpty={(d) => d.users.length === 0} empty="No users.">
        {(d) => (
          <div className="table-wrap">
            <table className="table compact" aria-label="Users">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Role</th>
                  <th scope="col">Zones</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {d.users.map((u) => (
                  <UserRow
                    key={u.id}
                    user={u}
                    onChanged={replace}
                    onDeleted={drop}
                    onStale={users.reload}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ResourceView>
    </article>
  );
}
