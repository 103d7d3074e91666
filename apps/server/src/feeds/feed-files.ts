import path from 'node:path';
import type { FeedZoneSpec, PolicyZonesSpec } from '../dns/dns-specs.js';
import type { BlocklistFeedsTable } from '../storage/schema.js';
import type { FeedStore } from './feed-store.js';

/**
 * Where the feeds module keeps each feed's compiled zone (`<data>/feeds/db.<zone>`: the last
 * good version, which BIND's copy is installed from) and what a feed's zone is called.
 */

export function feedsDir(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'feeds');
}

/** `rpz-feed-<id>.local`: reserved for feeds by the BIND writer (bind/policy-zones.ts). */
export function feedZoneName(id: string): string {
  return `rpz-feed-${id.toLowerCase()}.local`;
}

export function compiledFile(dir: string, zone: string): string {
  return path.join(dir, `db.${zone}`);
}

/** The zones named serves: enabled feeds with a good compiled list, in the feeds' order. */
export function servedFeedZones(rows: readonly BlocklistFeedsTable[], dir: string): FeedZoneSpec[] {
  return rows
    .filter((r) => r.enabled === 1 && r.last_success_at !== null && r.domain_count > 0)
    .map((r) => ({ name: r.zone, source: compiledFile(dir, r.zone), serial: Number(r.serial) }));
}

/** The start-up resync's part for the policy zones (app.ts lays it over readDnsState). */
export async function readPolicyZones(store: FeedStore, dir: string): Promise<PolicyZonesSpec> {
  return { allowlist: await store.allowlist(), feeds: servedFeedZones(await store.list(), dir) };
}
