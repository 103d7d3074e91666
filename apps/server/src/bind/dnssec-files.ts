import { chown, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BindLayout } from './bind-layout.js';
import { normalizeZoneName } from './zone-text.js';

/**
 * Where an inline-signed zone's DNSSEC state lives on disk (BIND 9.18, see
 * docs reference bind9-next.md §3):
 * - keys: `D/keys/<zone>/K<zone>.+AAA+TTTTT.{key,private,state}`, named's `key-directory`;
 *   named writes `.private` 0600 itself;
 * - beside the zone's own (unsigned) file `D/zones/db.<zone>`, named writes the signed copy
 *   `.signed` (raw format) and its journal `.signed.jnl`, the unsigned side's journal `.jnl`
 *   and `.jbk`. Those files are named's, never ours: we only keep them while the zone is
 *   signed and delete them with the zone or when its signing is turned off.
 */

export const KEYS_DIR_NAME = 'keys';

/** The suffixes named appends to an inline-signed zone's file name. */
export const SIGNED_ZONE_SIDECARS = ['.signed', '.signed.jnl', '.jnl', '.jbk'] as const;

export function keysRoot(layout: BindLayout): string {
  return path.join(layout.dir, KEYS_DIR_NAME);
}

/** A zone's key directory (the name is validated by normalizeZoneName). */
export function keyDirectory(layout: BindLayout, zone: string): string {
  return path.join(keysRoot(layout), normalizeZoneName(zone));
}

/** The base names of the files named keeps beside a signed zone's file. */
export function sidecarNames(zoneFileBase: string): string[] {
  return SIGNED_ZONE_SIDECARS.map((s) => `${zoneFileBase}${s}`);
}

/**
 * Creates a zone's key directory, 0700 and owned like the data directory: named may run as
 * another user (`-u bind`) who owns D, and must write keys there; nobody else may read them.
 */
export async function ensureKeyDirectory(layout: BindLayout, zone: string): Promise<string> {
  const dir = keyDirectory(layout, zone);
  const owner = await stat(layout.dir);
  for (const d of [keysRoot(layout), dir]) {
    await mkdir(d, { recursive: true, mode: 0o700 });
    if (process.getuid?.() === 0) await chown(d, owner.uid, owner.gid);
  }
  return dir;
}

/** Deletes what named wrote for a signed zone: its sidecar files and, with `keys`, its keys. */
export async function removeSigningState(
  layout: BindLayout,
  zone: string,
  opts: { keys: boolean },
): Promise<void> {
  const file = layout.zoneFile(zone);
  await Promise.all(
    sidecarNames(path.basename(file)).map((n) =>
      rm(path.join(path.dirname(file), n), { force: true }),
    ),
  );
  if (opts.keys) await rm(keyDirectory(layout, zone), { recursive: true, force: true });
}

/** Key directories of zones not in `keep` (normalized names): removed zones' leftovers. */
export async function removeKeyDirectoriesExcept(
  layout: BindLayout,
  keep: ReadonlySet<string>,
): Promise<void> {
  const names = await readdir(keysRoot(layout)).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((n) => !keep.has(n))
      .map((n) => rm(path.join(keysRoot(layout), n), { recursive: true, force: true })),
  );
}
