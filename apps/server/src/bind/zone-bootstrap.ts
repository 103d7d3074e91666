import path from 'node:path';
import { AppError } from '../http/app-error.js';
import type { BindLayout } from './bind-layout.js';
import {
  ensureKeyDirectory,
  removeKeyDirectoriesExcept,
  removeSigningState,
  sidecarNames,
} from './dnssec-files.js';
import type { DnsState } from '../dns/dns-backend.js';
import type { ZoneSpec } from '../dns/dns-specs.js';
import { renderZoneFile } from './zone-file-serializer.js';
import type { ZoneFiles } from './zone-files.js';
import { normalizeZoneName } from './zone-text.js';

/** What bootstrap renders: the database's state (dns/dns-backend.ts). */
export type BootstrapInput = DnsState;

export interface BootstrapResult {
  /** Zones left out of named.conf because their data failed the check (BIND starts anyway). */
  skipped: { zone: string; message: string }[];
}

/**
 * The zone-file half of ZoneWriter.bootstrap: clears staged and backup files (leftovers of a
 * process that died mid-write: nothing in them is the truth), writes (or keeps, when already
 * identical) every primary zone's file and the RPZ zone's from `input` (the database), and
 * deletes zone files no zone of `input` owns. A signed zone keeps the files named writes beside
 * its own (`.signed`, journals: dnssec-files.ts) and gets its key directory; an unsigned one
 * loses them, and key directories of zones no longer signed go. Returns the zones named.conf should configure:
 * those whose data passed the check (the rest are reported in `skipped`).
 *
 * `zoneName` normalizes a name and refuses reserved ones (it throws for a bad zone, which is then
 * skipped rather than blocking the whole server).
 */
export async function writeZoneFilesFrom(
  input: BootstrapInput,
  deps: {
    files: ZoneFiles;
    layout: BindLayout;
    rpzZone: string | null;
    zoneName: (raw: string) => string;
    /** Base names of other files in the zones directory to keep (the policy zones'). */
    keep?: readonly string[];
  },
): Promise<{ zones: ZoneSpec[] } & BootstrapResult> {
  const { files, layout, rpzZone } = deps;
  await files.prepareDirs();
  const skipped: BootstrapResult['skipped'] = [];
  const zones = new Map<string, ZoneSpec>();
  const keep = new Set<string>();
  const signed = new Set<string>();
  for (const { zone, records } of input.zones) {
    try {
      const name = deps.zoneName(zone.name);
      if (zone.type === 'secondary') {
        // named writes it (a transfer's copy) and its IXFR journal; nothing to render.
        const base = path.basename(layout.zoneFile(name));
        keep.add(base);
        keep.add(`${base}.jnl`);
      }
      if (zone.type === 'primary') {
        // Kept even when the check fails below: the zone is the database's, its file the
        // operator's best clue.
        const base = path.basename(layout.zoneFile(name));
        keep.add(base);
        if (zone.dnssecPolicy) {
          for (const n of sidecarNames(base)) keep.add(n);
          signed.add(name);
          await ensureKeyDirectory(layout, name);
        }
        const rewritten = await files.keepOrWriteZone(name, renderZoneFile(zone, records));
        // The file was not the database's version (a crash between "BIND applied" and "stored"):
        // named's journals and signed copy hold that lost change and would roll it forward onto
        // the file. They go; named signs the zone afresh with the same keys.
        if (rewritten && zone.dnssecPolicy) {
          await removeSigningState(layout, name, { keys: false });
        }
      }
      zones.set(name, { ...zone, name });
    } catch (err) {
      const message = err instanceof Error ? describe(err) : String(err);
      skipped.push({ zone: zone.name, message });
    }
  }
  if (rpzZone !== null) {
    await files.writeRpz(input.rpzRules ?? [], 'start');
    keep.add(path.basename(layout.zoneFile(rpzZone)));
  }
  // The catalog's file keeps its serial across restarts (ZoneWriter rewrites it when it differs).
  const catalog = input.replication?.catalogZone;
  if (catalog) keep.add(path.basename(layout.zoneFile(normalizeZoneName(catalog))));
  for (const base of deps.keep ?? []) keep.add(base);
  await files.removeZoneFilesExcept(keep);
  await removeKeyDirectoriesExcept(layout, signed);
  return { zones: [...zones.values()], skipped };
}

/** The normalized names of `input`'s zones; a name that does not normalize is left out. */
export function zoneNamesOf(input: BootstrapInput): string[] {
  const names: string[] = [];
  for (const { zone } of input.zones) {
    try {
      names.push(normalizeZoneName(zone.name));
    } catch {
      // Skipped (and reported) by writeZoneFilesFrom itself.
    }
  }
  return names;
}

function describe(err: Error): string {
  if (err instanceof AppError) {
    const message = (err.details as { message?: unknown } | undefined)?.message;
    return typeof message === 'string' ? message : err.message;
  }
  return err.message;
}
