import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import type { ManagedBind } from '../bind/managed-bind.js';
import type { DetectionConfig, MonitorSettings } from '../config.js';
import { createDnsMetrics } from '../metrics/dns-metrics.js';
import type { DetectorEvent } from './detector-events.js';
import { publishSafely } from './monitor-types.js';
import { QueryDetectors } from './query-detectors.js';
import { ForwarderSet } from '../queries/forwarder-set.js';

import { startMonitors, type MonitorDeps } from './monitors.js';
import { startDnssecWatch } from './dnssec-watch.js';
import { startReplicationWatch } from './replication-watch.js';
import type { MonitorsConfigInput } from './monitors-config.js';

/** The BIND-side monitors' sources and settings: logs, rndc, statistics channel. */
function bindMonitors(
  app: FastifyInstance,
  s: MonitorSettings,
  managed: ManagedBind | null,
): {
  deps: Pick<MonitorDeps, 'bind' | 'queryFeed' | 'querySource'>;
  config: MonitorsConfigInput;
  source: 'dnstap' | 'querylog' | 'none';
} {
  // System mode: the operator's log files, when configured (HDNS_BIND_SYSTEM_QUERY_LOG/_RPZ_LOG).
  const logs = app.bind.logs ?? {
    // Managed: named writes the text log unless dnstap alone was chosen.
    queryLog: managed && app.bind.queries?.textLog !== false ? managed.layout.queryLog : null,
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
  const capture = app.bind.queries;
  const dnstap = capture?.dnstap ? capture : null;
  const querySource = (): { source: 'dnstap' | 'querylog' | 'none'; reason: string } =>
    dnstap
      ? dnstap.choice
      : logs.queryLog !== null
        ? { source: 'querylog', reason: capture?.choice.reason ?? 'the text query log' }
        : { source: 'none', reason: 'no dnstap socket and no query log configured' };
  return {
    source: querySource().source,
    deps: {
      ...(bindSource ? { bind: bindSource } : {}),
      ...(dnstap ? { queryFeed: dnstap.feed } : {}),
      querySource,
    },
    config: {
      queryLog: {
        enabled: logs.queryLog !== null || dnstap !== null,
        path: logs.queryLog,
        maxEventsPerSec: s.queryLogMaxEventsPerSec,
        mergeHoldMs: s.queryLiveHoldMs,
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
  options: { settings: MonitorSettings; detection: DetectionConfig; dataDir: string },
): Promise<void> {
  const s = options.settings;
  if (!s.enabled) {
    app.log.info('monitors are off (HDNS_MONITORS=false)');
    return Promise.resolve();
  }
  const dnsMetrics = createDnsMetrics(app.metrics);
  const ownProbeQueries = new Counter({
    name: 'hdns_dns_own_probe_queries_total',
    help: "The server's own probes of its named seen in the query facts (not counted as traffic)",
    registers: [app.metrics],
  });
  const publishDetection = (e: DetectorEvent): void => {
    const opts = { source: 'monitor:detection' };
    if (e.type === 'threat_detected') {
      void publishSafely(app.hub, app.log, 'threat_detected', e.data, opts);
    } else {
      void publishSafely(app.hub, app.log, 'health_alert', e.data, opts);
    }
  };
  const detectors = new QueryDetectors({
    settings: options.detection,
    emit: publishDetection,
    onError: (err) => app.log.warn({ err }, 'query detectors failed'),
  });
  const stopDetectors = detectors.start();
  app.addHook('preClose', () => stopDetectors());
  // Upstream figures are the forwarders' (global and forward zones'), not every server asked.
  const forwarderSet = new ForwarderSet(
    async () => [
      ...(await app.dns.forwarders.list())
        .filter((f) => f.enabled)
        .map((f) => (f.port ? `${f.address}#${f.port}` : f.address)),
      ...(await app.dns.store.listZones())
        .filter((z) => z.type === 'forward')
        .flatMap((z) => z.forwarders),
    ],
    30_000,
    (err) => app.log.warn({ err }, 'forwarder list for the query figures not read'),
  );
  const stopForwarderSet = forwarderSet.start();
  app.addHook('preClose', () => stopForwarderSet());
  const deps: MonitorDeps = {
    hub: app.hub,
    logger: app.log,
    forwarders: async () =>
      (await app.dns.forwarders.list())
        .filter((f) => f.enabled)
        .map((f) => ({ id: f.id, name: f.name, address: f.address, port: f.port })),
    // A hit in a blocklist feed's zone carries the feed's category; the manual zone's, the rule's.
    categoryOf: async (rule, policyZone) =>
      (policyZone !== undefined ? await app.feeds.categoryOfZone(policyZone) : null) ??
      app.dns.rpz.categoryOf(rule),
    isForwarder: (u) => forwarderSet.has(u),
    // Every answered query also goes to the query store (its own batching and sampling).
    querySinks: [
      { onQuery: (facts) => app.queryStore.offer(facts) },
      { onQuery: (f) => dnsMetrics.observe(f), onUpstream: (u) => dnsMetrics.observeUpstream(u) },
      { onQuery: (f) => detectors.recordFacts(f), onUpstream: (u) => detectors.recordUpstream(u) },
      { onOwnProbe: () => ownProbeQueries.inc() },
    ],
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
      app.queryStore.setSource(b.source);
      const stopBind = startMonitors(
        { ...deps, ...b.deps },
        { ...b.config, forwarders: off, system: off },
      );
      const stopDnssec = startDnssecWatch(app);
      const stopReplication = startReplicationWatch(app, s);
      return Promise.resolve(() =>
        Promise.all([stopBind(), stopDnssec(), stopReplication()]).then(() => {
          app.queryStore.setSource('none');
        }),
      );
    });
    app.addHook('preClose', () => stopHost());
    return Promise.resolve();
  }
  const b = bindMonitors(app, s, app.bind.managed);
  app.queryStore.setSource(b.source);
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
  dependencies: [
    'hdns-realtime',
    'hdns-bind',
    'hdns-dns',
    'hdns-feeds',
    'hdns-query-store',
    'hdns-metrics',
  ],
});
