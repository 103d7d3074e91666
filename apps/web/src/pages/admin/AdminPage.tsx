/**
 * Administration: users and roles, broadcast, live connections and hub metrics, and who still
 * runs legacy clients.
 */
import type { ReactNode } from 'react';
import { BroadcastForm } from './BroadcastForm';
import { ConnectionsPanel } from './ConnectionsPanel';
import { LegacyClientsPanel } from './LegacyClientsPanel';
import { UsersPanel } from './UsersPanel';

export function AdminPage(): ReactNode {
  return (
    <section className="page" aria-labelledby="admin-title">
      <h1 id="admin-title">Administration</h1>
      <div className="grid grid-admin">
        <UsersPanel />
        <BroadcastForm />
        <ConnectionsPanel />
        <LegacyClientsPanel />
      </div>
    </section>
  );
}
