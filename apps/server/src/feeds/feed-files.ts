import { open } from 'node:fs/promises';
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

/**
 * The zones named serves: enabled feeds with a current compiled list in this instance's data dir,
 * in the feeds' order. Under the BIND lease the compiled files are the holder's own: an instance
 * that took the lease over has none until it refreshed each feed (the scheduler does so at once,
 * see FeedService.due), and leaves those zones out until then rather than fail on them.
 */
export async function servedFeedZones(
  rows: readonly BlocklistFeedsTable[],
  dir: string,
): Promise<FeedZoneSpec[]> {
  const served: FeedZoneSpec[] = [];
  for (const r of rows) {
    if (!isServed(r)) continue;
    if (await hasCurrentFile(dir, r))
      served.push({ name: r.zone, source: compiledFile(dir, r.zone), serial: Number(r.serial) });
  }
  return served;
}

/** The row says the feed has a good list to serve (its file may still be missing here). */
export function isServed(r: BlocklistFeedsTable): boolean {
  return r.enabled === 1 && r.last_success_at !== null && r.domain_count > 0;
}

/**
 * True when this data dir holds the row's list: a compiled file whose SOA serial is the row's.
 * A file of another serial is left over from an earlier holding of the BIND lease (another
 * instance refreshed the feed since): it is not the list the row describes (nor its validators').
 */
export async function hasCurrentFile(dir: string, row: BlocklistFeedsTable): Promise<boolean> {
  const serial = await fileSerial(compiledFile(dir, row.zone));
  return serial !== null && serial === Number(row.serial);
}

/** The compiler writes the SOA in the file's first lines (feed-compiler.ts). */
const HEAD_BYTES = 1024;
const SOA_SERIAL = /^@\tIN\tSOA\t\S+ \S+ (\d+) /m;

/** The SOA serial of a compiled file, or null when there is no file (or no SOA in its head). */
export async function fileSerial(file: string): Promise<number | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
    const match = SOA_SERIAL.exec(buf.subarray(0, bytesRead).toString('utf8'));
    return match ? Number(match[1]) : null;
  } finally {
    await handle.close();
  }
}

/** The start-up resync's part for the policy zones (app.ts lays it over readDnsState). */
export async function readPolicyZones(store: FeedStore, dir: string): Promise<PolicyZonesSpec> {
  return {
    allowlist: await store.allowlist(),
    feeds: await servedFeedZones(await store.list(), dir),
  };
}
