import type { FastifyInstance } from 'fastify';
import { BIND_LISTEN_ADDRESS } from '../bind/bind-layout.js';
import type { MonitorSettings } from '../config.js';
import type { Stop } from './monitor-types.js';
import { SecondaryMonitor } from './secondary-monitor.js';
import { XferStream } from './xfer-stream.js';

/**
 * Replication watching over the app's real sources, for the managed named (the one that feeds
 * the secondaries): the SecondaryMonitor over the primary zones of the database, the
 * `secondary_servers` rows and our named's DNS port, writing `app.dns.replication.readings`;
 * and the transfers in named's default log (`zone_transfer`). Null without a managed named.
 */
export function secondaryMonitorFor(
  app: FastifyInstance,
  s: Pick<MonitorSettings, 'secondaryCheckSeconds' | 'secondaryLagGraceSeconds'>,
): SecondaryMonitor | null {
  const managed = app.bind.managed;
  if (!managed) return null;
  return new SecondaryMonitor(app.hub, {
    zones: async () =>
      (await app.dns.store.listZones()).flatMap((z) =>
        z.type === 'primary'
          ? [{ name: z.name, dbSerial: z.serial, signed: z.dnssecPolicy !== null }]
          : [],
      ),
    secondaries: async () =>
      (
        await app.db
          .selectFrom('secondary_servers')
          .select(['id', 'name', 'address', 'port', 'enabled'])
          .orderBy('name')
          .execute()
      ).map((r) => ({ ...r, enabled: r.enabled === 1 })),
    served: { address: BIND_LISTEN_ADDRESS, port: managed.ports.dns },
    readings: app.dns.replication.readings,
    intervalMs: s.secondaryCheckSeconds * 1000,
    graceMs: s.secondaryLagGraceSeconds * 1000,
    failAfter: 3,
    // Well under the interval, so a dead secondary never stretches a round much.
    timeoutMs: Math.min(2000, Math.max(250, (s.secondaryCheckSeconds * 1000) / 2)),
    logger: app.log,
    onBack: async () => {
      // `rndc notify` sends to every also-notify target; the catalog first, so a zone created
      // while the secondary was down is added, then every primary zone, so changes arrive.
      const catalog = app.dns.replication.service.catalogZone;
      const zones = (await app.dns.store.listZones())
        .filter((z) => z.type === 'primary')
        .slice(0, MAX_RENOTIFY)
        .map((z) => z.name);
      for (const zone of catalog ? [catalog, ...zones] : zones) {
        await managed.tools.rndc(['notify', zone]).catch(() => undefined);
      }
    },
  });
}

/** Zones re-notified when a secondary is back; beyond that, its SOA refresh catches up. */
const MAX_RENOTIFY = 1000;

/** Starts both; the stop is a no-op when there is no managed named. */
export function startReplicationWatch(
  app: FastifyInstance,
  s: Pick<MonitorSettings, 'secondaryCheckSeconds' | 'secondaryLagGraceSeconds'>,
): Stop {
  const managed = app.bind.managed;
  const monitor = secondaryMonitorFor(app, s);
  if (!managed || !monitor) return () => Promise.resolve();
  const stopMonitor = monitor.start();
  // A transfer moves serials: read them at once instead of at the next interval (one extra
  // round at a time, however many transfers a burst logs).
  let queued = false;
  const stopStream = new XferStream(app.hub, {
    path: managed.layout.namedLog,
    logger: app.log,
    onTransfer: () => {
      if (queued) return;
      queued = true;
      void monitor
        .checkNow()
        .catch(() => undefined)
        .finally(() => {
          queued = false;
        });
    },
  }).start();
  let stopped: Promise<void> | null = null;
  // The stream first: no transfer line queues a round once the monitor is stopping.
  return () => (stopped ??= stopStream().then(() => stopMonitor()));
}
