import type { FastifyInstance } from 'fastify';
import { parseDnssecStatus } from '../bind/dnssec-status-parser.js';
import { DnssecMonitor } from './dnssec-monitor.js';
import type { Stop } from './monitor-types.js';

/**
 * Key states change on BIND's schedule (hours to days: propagation delays, DS publication), so
 * a reading every 30 s is plenty and costs one rndc call per signed zone.
 */
export const DNSSEC_MONITOR_INTERVAL_MS = 30_000;

/**
 * The DNSSEC key monitor over the app's real sources: the signed zones from the database and
 * `rndc dnssec -status` of this instance's named (managed, else the operator's in system mode).
 * Null when there is no BIND to ask.
 */
export function dnssecMonitorFor(app: FastifyInstance): DnssecMonitor | null {
  const bind = app.bind.managed ?? app.bind.system ?? null;
  if (bind === null) return null;
  return new DnssecMonitor(app.hub, {
    signedZones: async () =>
      (await app.dns.store.listZones()).flatMap((z) =>
        z.type === 'primary' && z.dnssecPolicy ? [{ name: z.name, policy: z.dnssecPolicy }] : [],
      ),
    status: async (zone) => parseDnssecStatus(await bind.tools.rndc(['dnssec', '-status', zone])),
    intervalMs: DNSSEC_MONITOR_INTERVAL_MS,
    logger: app.log,
  });
}

/** Starts it; the stop is a no-op when there is no BIND. */
export function startDnssecWatch(app: FastifyInstance): Stop {
  const monitor = dnssecMonitorFor(app);
  return monitor ? monitor.start() : () => Promise.resolve();
}
