/**
 * Server settings (admin only; the route is behind RequireRole): how the managed named serves
 * the network, the global forwarders, and the DNSSEC policies zones may sign with.
 */
import type { ReactNode } from 'react';
import { DnssecPoliciesPanel } from './DnssecPoliciesPanel';
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
        <DnssecPoliciesPanel />
      </div>
    </section>
  );
}
