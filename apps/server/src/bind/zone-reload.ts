import { utimes } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../http/app-error.js';
import type { BindTools } from './bind-tools.js';
import { logExcerpt } from './log-excerpt.js';

/**
 * Getting BIND to serve a new zone file, and proving it did. `rndc reload ZONE` exits 0 even
 * when the file is broken or skipped (BIND logs the error and keeps the old data), so success
 * is only ever established by the loaded serial.
 */

/**
 * `rndc reload ZONE`. BIND skips a reload when the file's mtime is not newer than its last
 * load ("zone reload up-to-date"), which a write within the same clock tick can hit: then the
 * mtime is pushed one second ahead and the reload repeated.
 */
export async function reloadZoneFile(tools: BindTools, zone: string, file: string): Promise<void> {
  const out = await tools.reloadZone(zone);
  if (!/up-to-date/i.test(out)) return;
  const ahead = new Date(Date.now() + 1000);
  await utimes(file, ahead, ahead);
  await tools.reloadZone(zone);
}

export interface ConfirmOptions {
  timeoutMs: number;
  pollIntervalMs: number;
  /** named's log, quoted (lines naming the zone) when the serial never shows up. */
  logFile: string;
}

/**
 * Polls `rndc zonestatus ZONE` until the loaded serial equals `serial` (reloads are queued,
 * so this takes a few tens of milliseconds). Throws AppError BIND_RELOAD_FAILED with
 * {zone, expectedSerial, loadedSerial, log} after `timeoutMs`.
 */
export async function confirmLoadedSerial(
  tools: BindTools,
  zone: string,
  serial: number,
  opts: ConfirmOptions,
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let loaded: number | null = null;
  for (;;) {
    loaded = (await tools.zoneStatus(zone))?.serial ?? null;
    if (loaded === serial) return;
    if (Date.now() >= deadline) break;
    await sleep(opts.pollIntervalMs);
  }
  const log = await logExcerpt(opts.logFile, zone);
  throw new AppError('BIND_RELOAD_FAILED', {
    zone,
    expectedSerial: serial,
    loadedSerial: loaded,
    log,
  });
}
