import type { RndcStatus } from '../bind/rndc-parsers.js';
import type { ServerStats } from '../bind/stats-channel.js';
import { BindStatusMonitor } from './bind-status-monitor.js';
import { ForwarderHealthMonitor, type ForwarderInfo } from './forwarder-health.js';
import {
  silentLogger,
  type EventPublisher,
  type MonitorLogger,
  type Stop,
} from './monitor-types.js';
import { resolveMonitorsConfig, type MonitorsConfigInput } from './monitors-config.js';
import { QueryStream } from './query-stream.js';
import { RpzStream, type CategoryLookup } from './rpz-stream.js';
import { SystemMetricsMonitor } from './system-metrics.js';

/**
 * Starts the enabled monitors and returns one stop for all of them (idempotent; waits for every
 * monitor to finish its current round and close its files and sockets).
 *
 * Wiring: the rpz stream's hits feed the query stream's `blocked` count. A monitor is skipped
 * (and the skip logged) when its section is disabled or its input is missing: no log path, no
 * `forwarders` provider, no `bind` adapter.
 */

export interface MonitorDeps {
  hub: EventPublisher;
  logger?: MonitorLogger;
  /** Forwarders to probe, read each round (e.g. from the database). */
  forwarders?: () => Promise<ForwarderInfo[]>;
  /** Category of an RPZ rule by name (null when unknown → `custom`). */
  categoryOf?: CategoryLookup;
  /** BIND adapter: `tools.status()` and `stats.server()` of a ManagedBind, or equivalents. */
  bind?: { rndcStatus: () => Promise<RndcStatus>; serverStats: () => Promise<ServerStats> };
}

export function startMonitors(deps: MonitorDeps, input: MonitorsConfigInput = {}): Stop {
  const config = resolveMonitorsConfig(input);
  const logger = deps.logger ?? silentLogger;
  const { hub } = deps;
  const stops: Stop[] = [];
  const skip = (name: string, why: string): void =>
    logger.info({ monitor: name, why }, 'monitor not started');

  let queries: QueryStream | null = null;
  const q = config.queryLog;
  if (!q.enabled) skip('queryLog', 'disabled');
  else if (!q.path) skip('queryLog', 'no query log path');
  else {
    queries = new QueryStream(hub, { ...q, path: q.path, logger });
    stops.push(queries.start());
  }

  const r = config.rpzLog;
  if (!r.enabled) skip('rpzLog', 'disabled');
  else if (!r.path) skip('rpzLog', 'no rpz log path');
  else {
    const rpz = new RpzStream(hub, {
      ...r,
      path: r.path,
      logger,
      ...(deps.categoryOf ? { categoryOf: deps.categoryOf } : {}),
      onHit: () => queries?.recordBlocked(),
    });
    stops.push(rpz.start());
  }

  const f = config.forwarders;
  if (!f.enabled) skip('forwarders', 'disabled');
  else if (!deps.forwarders) skip('forwarders', 'no forwarder list');
  else {
    stops.push(
      new ForwarderHealthMonitor(hub, { ...f, forwarders: deps.forwarders, logger }).start(),
    );
  }

  const s = config.system;
  if (!s.enabled) skip('system', 'disabled');
  else stops.push(new SystemMetricsMonitor(hub, { ...s, logger }).start());

  const b = config.bind;
  if (!b.enabled) skip('bind', 'disabled');
  else if (!deps.bind) skip('bind', 'no BIND adapter');
  else {
    stops.push(
      new BindStatusMonitor(hub, {
        ...deps.bind,
        managed: b.managed,
        intervalMs: b.intervalMs,
        logger,
      }).start(),
    );
  }

  let stopping: Promise<void> | null = null;
  return () => (stopping ??= Promise.all(stops.map((stop) => stop())).then(() => undefined));
}
