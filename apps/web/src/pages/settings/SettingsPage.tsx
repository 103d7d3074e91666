/**
 * Server settings (admin only; the route is behind RequireRole): how the managed named serves
 * the network, and the global forwarders.
 */
import type { ReactNode } from 'react';
import { DnsSettingsPanel } from './DnsSettingsPanel';
import { ForwardersPanel } from './ForwardersPanel';

export function SettingsPage(): ReactNode {
  return (
    <section className="page" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <div className="grid">
        <article className="card" aria-labelledby="dns-service-title">
          <header className="card-head">
            <h2 id="dns-service-title">DNS service</h2>
          </header>
          <DnsSettingsPanel />
        </article>
        <ForwardersPanel />
      </div>
    </section>
  );
}
