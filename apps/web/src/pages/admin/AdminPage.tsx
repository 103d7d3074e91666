/** Administration: users and roles, live connections and hub metrics, broadcast. */
import type { ReactNode } from 'react';
import { BroadcastForm } from './BroadcastForm';
import { ConnectionsPanel } from './ConnectionsPanel';
import { UsersPanel } from './UsersPanel';

export function AdminPage(): ReactNode {
  return (
    <section className="page" aria-labelledby="admin-title">
      <h1 id="admin-title">Administration</h1>
      <div className="grid grid-admin">
        <UsersPanel />
        <BroadcastForm />
        <ConnectionsPanel />
      </div>
    </section>
  );
}
