import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ManagedBind } from '../bind/managed-bind.js';
import type { MonitorSettings } from '../config.js';
import { startMonitors, type MonitorDeps } from './monitors.js';
import { startDnssecWatch } from './dnssec-watch.js';
import { startReplicationWatch } from './replication-watch.js';
import type { MonitorsConfigInput } from './monitors-config.js';

/** The BIND-side monitors' sources and settings: logs, rndc, statistics channel. */
function bindMonitors(
  app: FastifyInstance,
  s: MonitorSettings,
  managed: ManagedBind | null,
): { deps: Pick<MonitorDeps, 'bind'>; config: MonitorsConfigInput } {
  // System mode: the operator's log files, when configured (HDNS_BIND_SYSTEM_QUERY_LOG/_RPZ_LOG).
  const logs = app.bind.logs ?? {
    queryLog: managed?.layout.queryLog ?? null,
    rpzLog: managed?.layout.rpzLog ?? null,
  };
  // BIND status from rndc and the statistics channel: our named, or the operator's when a
  // statistics channel is configured in system mode.
  const system = app.bind.system;
  const systemStats = system?.stats;
  const bindSource = managed
    ? { rndcStatus: () => managed.tools.status(), serverStats: () => managed.stats.server() }
    : system && systemStats
      ? { rndcStatus: () => system.tools.status(), serverStats: () => systemStats.server() }
      : undefined;
  return {
    deps: bindSource ? { bind: bindSource } : {},
    config: {
      queryLog: {
        enabled: logs.queryLog !== null,
        path: logs.queryLog,
        maxEventsPerSec: s.queryLogMaxEventsPerSec,
      },
      rpzLog: { enabled: logs.rpzLog !== null, path: logs.rpzLog },
      bind: {
        enabled: bindSource !== undefined,
        intervalMs: s.bindStatusSeconds * 1000,
        managed: managed !== null,
      },
    },
  };
}

/**
 * Starts the monitors with the app's real sources: the managed BIND's query and rpz logs, rndc
 * and statistics channel, the enabled global forwarders from the database, the RPZ rule
 * categories, and the data directory's filesystem. Stops them on close. Under the BIND lease
 * the BIND-side monitors run while this instance holds the lease (its named is the one that
 * serves), started at each takeover and stopped when it gives the lease up.
 */
function monitorsPlugin(
  app: FastifyInstance,
  options: { settings: MonitorSettings; dataDir: string },
): Promise<void> {
  const s = options.settings;
  if (!s.enabled) {
    app.log.info('monitors are off (HDNS_MONITORS=false)');
    return Promise.resolve();
  }
  const deps: MonitorDeps = {
    hub: app.hub,
    logger: app.log,
    forwarders: async () =>
      (await app.dns.forwarders.list())
        .filter((f) => f.enabled)
        .map((f) => ({ id: f.id, name: f.name, address: f.address, port: f.port })),
    categoryOf: (rule) => app.dns.rpz.categoryOf(rule),
  };
  const hostConfig: MonitorsConfigInput = {
    forwarders: { intervalMs: s.forwarderCheckSeconds * 1000 },
    system: { intervalSec: s.systemMetricsSeconds, diskPath: options.dataDir },
  };
  const onTakeover = app.bind.onTakeover;
  if (onTakeover) {
    const off = { enabled: false };
    const stopHost = startMonitors(deps, {
      ...hostConfig,
      queryLog: off,
      rpzLog: off,
      bind: off,
    });
    onTakeover(() => {
      const b = bindMonitors(app, s, app.bind.managed);
      const stopBind = startMonitors(
        { ...deps, ...b.deps },
        { ...b.config, forwarders: off, system: off },
      );
      const stopDnssec = startDnssecWatch(app);
      const stopReplication = startReplicationWatch(app, s);
      return Promise.resolve(() =>
        Promise.all([stopBind(), stopDnssec(), stopReplication()]).then(() => undefined),
      );
    });
    app.addHook('preClose', () => stopHost());
    return Promise.resolve();
  }
  const b = bindMonitors(app, s, app.bind.managed);
  const stop = startMonitors({ ...deps, ...b.deps }, { ...hostConfig, ...b.config });
  const stopDnssec = startDnssecWatch(app);
  const stopReplication = startReplicationWatch(app, s);
  app.addHook('preClose', () =>
    Promise.all([stop(), stopDnssec(), stopReplication()]).then(() => undefined),
  );
  return Promise.resolve();
}

export const monitors = fp(monitorsPlugin, {
  name: 'hdns-monitors',
  dependencies: ['hdns-realtime', 'hdns-bind', 'hdns-dns'],
});
