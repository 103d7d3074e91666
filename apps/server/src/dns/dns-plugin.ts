import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { fencedOutbox } from './bind-fence.js';
import { BulkJobs } from './bulk-jobs.js';
import type { KeyedMutex } from '../lib/keyed-mutex.js';
import type { DnsBackend } from './dns-backend.js';
import { DnsSettingsService } from './dns-settings-service.js';
import { customDnssecPolicyNames, type EnvDnsSettings } from './dns-settings-store.js';
import { ForwarderService } from './forwarder-service.js';
import type { DnsListener } from './own-address.js';
import { ReplicationReadings } from './replication-readings.js';
import { ReplicationService } from './replication-service.js';
import { RecordService } from './record-service.js';
import { RpzService } from './rpz-service.js';
import { ZoneService } from './zone-service.js';
import { ZoneStore } from './zone-store.js';

export interface DnsServices {
  backend: DnsBackend;
  store: ZoneStore;
  zones: ZoneService;
  records: RecordService;
  forwarders: ForwarderService;
  /** How the managed named serves the network (listeners, ACLs, recursion …). */
  settings: DnsSettingsService;
  rpz: RpzService;
  jobs: BulkJobs;
  /** TSIG keys and secondaries, and what the replication watcher last saw. */
  replication: { service: ReplicationService; readings: ReplicationReadings };
}

declare module 'fastify' {
  interface FastifyInstance {
    dns: DnsServices;
  }
}

export interface DnsPluginOptions {
  /** Where changes are applied; the bind plugin provides it (managed BIND or off). */
  backend: () => DnsBackend;
  /**
   * The one registry of per-zone locks (ZoneService.locks); the bind plugin gets the same one,
   * so its writes and its re-render of every zone wait for the services' changes.
   */
  zoneLocks: KeyedMutex;
  /** The `HDNS_DNS_*` settings, which fix their fields of the DNS service settings. */
  dnsEnv: EnvDnsSettings;
  /** HDNS_CATALOG_ZONE, null when off. */
  catalogZone: string | null;
  /** TSIG key names named.conf defines already (the rndc key): refused for new keys. */
  reservedKeyNames: readonly string[];
  /** The managed named's own DNS listener (its probes' address); null without a managed named. */
  ownDnsListener?: () => DnsListener | null;
}

/** The DNS services over the app's database; their events go through the outbox. */
async function dnsPlugin(app: FastifyInstance, options: DnsPluginOptions): Promise<void> {
  const backend = options.backend();
  // Under the BIND lease every DNS write (and a job's rows) commits only while this instance
  // holds the lease it claimed the database's fence with (bind-fence.ts).
  const outbox = fencedOutbox(app.outbox, app.bind.lease);
  const store = new ZoneStore(app.db);
  const zones = new ZoneService(
    store,
    backend,
    outbox,
    options.zoneLocks,
    () => customDnssecPolicyNames(app.db),
    options.catalogZone,
  );
  const jobs = new BulkJobs(app.db, outbox, app.log);
  const settings = new DnsSettingsService(app.db, backend, outbox, options.dnsEnv);
  app.decorate('dns', {
    backend,
    store,
    zones,
    records: new RecordService(store, zones, outbox),
    forwarders: new ForwarderService(app.db, backend, outbox, async () => {
      const own = options.ownDnsListener?.() ?? null;
      if (!own) return [];
      // As named.conf says (bind/named-options.ts): the server's own listener, then the
      // network's where the settings configure one.
      const { listen } = await settings.effective();
      const at = (list: readonly string[], any: string) =>
        list.map((a) => ({ address: a === 'any' ? any : a, port: listen.port }));
      return [own, ...at(listen.ipv4, 'any4'), ...at(listen.ipv6, 'any6')];
    }),
    settings,
    rpz: new RpzService(app.db, backend, outbox),
    jobs,
    replication: {
      service: new ReplicationService(
        app.db,
        backend,
        outbox,
        options.catalogZone,
        options.reservedKeyNames,
      ),
      readings: new ReplicationReadings(),
    },
  });
  app.addHook('preClose', () => jobs.settle());
  // Jobs a dead process left running end now, with their bulk_operation_complete (outbox).
  // Under the BIND lease jobs run on the holder only, and other instances start while it runs
  // them: the jobs end when an instance takes the lease over, not when any instance starts.
  const recover = async (): Promise<void> => {
    const interrupted = await jobs.recover();
    if (interrupted > 0) app.log.warn({ jobs: interrupted }, 'bulk jobs interrupted by a restart');
  };
  if (app.bind.onTakeover) app.bind.onTakeover(recover);
  else await recover();
}

export const dns = fp(dnsPlugin, {
  name: 'hdns-dns',
  dependencies: ['hdns-storage', 'hdns-realtime', 'hdns-outbox', 'hdns-bind'],
});
