import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { MonitorSettings } from '../config.js';
import { startMonitors } from './monitors.js';

/**
 * Starts the monitors with the app's real sources: the managed BIND's query and rpz logs, rndc
 * and statistics channel, the enabled global forwarders from the database, the RPZ rule
 * categories, and the data directory's filesystem. Stops them on close.
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
  const managed = app.bind.managed;
  const stop = startMonitors(
    {
      hub: app.hub,
      logger: app.log,
      forwarders: async () =>
        (await app.dns.forwarders.list())
          .filter((f) => f.enabled)
          .map((f) => ({ id: f.id, name: f.name, address: f.address, port: f.port })),
      categoryOf: (rule) => app.dns.rpz.categoryOf(rule),
      ...(managed
        ? {
            bind: {
              rndcStatus: () => managed.tools.status(),
              serverStats: () => managed.stats.server(),
            },
          }
        : {}),
    },
    {
      queryLog: {
        enabled: managed !== null,
        path: managed?.layout.queryLog ?? null,
        maxEventsPerSec: s.queryLogMaxEventsPerSec,
      },
      rpzLog: { enabled: managed !== null, path: managed?.layout.rpzLog ?? null },
      forwarders: { intervalMs: s.forwarderCheckSeconds * 1000 },
      system: { intervalSec: s.systemMetricsSeconds, diskPath: options.dataDir },
      bind: { enabled: managed !== null, intervalMs: s.bindStatusSeconds * 1000 },
    },
  );
  app.addHook('preClose', () => stop());
  return Promise.resolve();
}

export const monitors = fp(monitorsPlugin, {
  name: 'hdns-monitors',
  dependencies: ['hdns-realtime', 'hdns-bind', 'hdns-dns'],
});
