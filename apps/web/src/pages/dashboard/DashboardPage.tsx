/**
 * The live overview: traffic, response codes and times, top talkers, forwarders, BIND, host
 * metrics, security.
 */
import type { ReactNode } from 'react';
import { BindStatusCard } from './BindStatusCard';
import { ForwarderHealth } from './ForwarderHealth';
import { LatencyPanel } from './LatencyPanel';
import { QpsPanel } from './QpsPanel';
import { RcodeMixPanel } from './RcodeMixPanel';
import { SecurityAlerts } from './SecurityAlerts';
import { SystemMetrics } from './SystemMetrics';
import { TopLists } from './TopLists';

export function DashboardPage(): ReactNode {
  return (
    <section className="page" aria-labelledby="dash-title">
      <h1 id="dash-title">Dashboard</h1>
      <div className="grid grid-dash">
        <QpsPanel />
        <BindStatusCard />
        <RcodeMixPanel />
        <LatencyPanel />
        <TopLists />
        <ForwarderHealth />
        <SystemMetrics />
        <SecurityAlerts />
      </div>
    </section>
  );
}
