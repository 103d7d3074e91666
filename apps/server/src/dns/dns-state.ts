import type { Db } from '../storage/db.js';
import type { DnsState } from './dns-backend.js';
import type { RpzAction } from './dns-specs.js';
import { readStoredDnsSettings, withEnv, type EnvDnsSettings } from './dns-settings-store.js';
import { readReplicationSpec } from './replication-store.js';
import { recordSpec, zoneSpec, ZoneStore } from './zone-store.js';

/**
 * The start-up resync's source: everything BIND should serve, read from the database (zones
 * with their records, enabled rules and forwarders, the network settings with the environment's
 * laid over). The backend renders it at start and before
 * every restart of a supervised named, so it only ever depends on this shape (DnsState), never
 * on the tables.
 */
export async function readDnsState(
  db: Db,
  env: EnvDnsSettings,
  catalogZone: string | null = null,
): Promise<DnsState> {
  const store = new ZoneStore(db);
  const zones = await store.listZones();
  const rules = await db.selectFrom('rpz_rules').selectAll().where('enabled', '=', 1).execute();
  const forwarders = await db
    .selectFrom('forwarders')
    .selectAll()
    .where('enabled', '=', 1)
    .execute();
  const server = withEnv((await readStoredDnsSettings(db)).settings, env);
  return {
    server,
    replication: await readReplicationSpec(db, catalogZone),
    zones: await Promise.all(
      zones.map(async (z) => ({
        zone: zoneSpec(z, z.serial ?? 1),
        records: (await store.records(z)).map(recordSpec),
      })),
    ),
    forwarders: forwarders.map((f) => ({ address: f.address, port: f.port })),
    rpzRules: rules.map((r) => ({
      name: r.domain,
      action: r.action as RpzAction,
      category: r.category,
      ...(r.redirect_to ? { redirectTo: r.redirect_to } : {}),
    })),
  };
}
