import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../http/app-error.js';
import { ZONE_FILE_PREFIX, type BindLayout } from './bind-layout.js';
import { tidyCheckMessage, type BindTools, type CheckNames } from './bind-tools.js';
import type { RpzRuleSpec } from '../dns/dns-specs.js';
import { renderRpzZone } from './rpz-zone-serializer.js';
import { nextSerial } from '../lib/serial.js';
import { StagedFile } from './staged-file.js';
import { serialOfRenderedZone } from './zone-file-serializer.js';

/**
 * The checked file writes of the zone writer, under one layout; nothing here talks to named.
 * Every write goes staged file → named-checkzone / named-checkconf → commit (backup kept, atomic
 * rename), and returns the StagedFile so the caller can roll it back. Three ways avoid writing
 * data, so that a full disk cannot stop what must still work:
 * - restore: the backup is the wanted version, and is swapped back in (undoing a change the
 *   database could not store);
 * - start: a file already holding the wanted text is only checked;
 * - named.conf whose backup holds the wanted text (a zone added, then removed again).
 */

export class ZoneFiles {
  constructor(
    private readonly tools: BindTools,
    private readonly layout: BindLayout,
    private readonly rpzZone: string,
    /** For the zones named.conf gives no check-names of its own (see BindTools.checkZone). */
    private readonly checkNames: CheckNames = 'fail',
  ) {}

  staged(file: string): StagedFile {
    return new StagedFile(file, this.layout);
  }

  /** Creates the directories and clears staged and backup files a dead process left behind. */
  async prepareDirs(): Promise<void> {
    await mkdir(this.layout.zonesDir, { recursive: true });
    await mkdir(this.layout.logsDir, { recursive: true });
    for (const dir of [this.layout.stagingDir, this.layout.backupDir]) {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
    }
  }

  /**
   * Writes a zone's file, checked. `restoreSerial`: when the backup is that version of the zone
   * it goes back as is (checked when first written). The serial identifies a version: the
   * record order of a rendering may differ from the database's, the serial may not.
   */
  async writeZone(
    zone: string,
    text: string,
    restoreSerial?: number,
    checkNames: CheckNames = this.checkNames,
  ): Promise<StagedFile> {
    const file = this.staged(this.layout.zoneFile(zone));
    const reuse =
      restoreSerial !== undefined &&
      (await file.reuseBackupIf((backup) => serialOfRenderedZone(backup) === restoreSerial));
    if (!reuse) {
      await file.stage(text);
      const check = await this.tools.checkZone(zone, file.tmp, checkNames);
      if (!check.ok) {
        await file.discard();
        const message = tidyCheckMessage(check.message, file.tmp, file.file);
        throw new AppError('ZONE_CHECK_FAILED', { zone, message });
      }
    }
    await file.commit();
    return file;
  }

  /**
   * At start: a zone file already holding `text` is only checked, else written. True when it
   * was written (the file on disk was not the database's version).
   */
  async keepOrWriteZone(zone: string, text: string): Promise<boolean> {
    const file = this.staged(this.layout.zoneFile(zone));
    if (!(await file.holds(text))) {
      await this.writeZone(zone, text);
      return true;
    }
    const check = await this.tools.checkZone(zone, file.file, this.checkNames);
    if (!check.ok) throw new AppError('ZONE_CHECK_FAILED', { zone, message: check.message });
    return false;
  }

  /**
   * The zone's file becomes its backup (a removed zone): should the caller fail to store the
   * removal, putting the zone back needs no disk space. The next start clears backups.
   */
  async retireZone(zone: string): Promise<void> {
    const file = this.staged(this.layout.zoneFile(zone));
    await rm(file.tmp, { force: true });
    await mkdir(path.dirname(file.prev), { recursive: true });
    await rename(file.file, file.prev).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  /**
   * Deletes zone files (`db.*`) not named in `keep`: zones the current state lacks, and named's
   * files beside an unsigned zone's (`keep` names those of signed zones: dnssec-files.ts).
   */
  async removeZoneFilesExcept(keep: ReadonlySet<string>): Promise<void> {
    const names = await readdir(this.layout.zonesDir);
    const orphans = names.filter((n) => n.startsWith(ZONE_FILE_PREFIX) && !keep.has(n));
    await Promise.all(orphans.map((n) => rm(path.join(this.layout.zonesDir, n), { force: true })));
  }

  /**
   * Writes the RPZ zone with the next serial. `restore`: when the backup holds exactly these
   * rules, it goes back with its own serial. `start`: a file already holding them is kept.
   */
  async writeRpz(
    rules: readonly RpzRuleSpec[],
    mode: 'next' | 'restore' | 'start' = 'next',
  ): Promise<{ file: StagedFile; serial: number }> {
    return this.writePolicyZone(this.rpzZone, rules, mode);
  }

  /** writeRpz for any policy zone rendered from rules (the manual zone, the allowlist). */
  async writePolicyZone(
    rpz: string,
    rules: readonly RpzRuleSpec[],
    mode: 'next' | 'restore' | 'start' = 'next',
  ): Promise<{ file: StagedFile; serial: number }> {
    const file = this.staged(this.layout.zoneFile(rpz));
    // Sorted, so one rule set always renders to the same text (restore and start compare texts).
    const sorted = [...rules].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const render = (serial: number) => renderRpzZone(sorted, { serial, zoneName: rpz });
    const serialOf = (f: string) => readFile(f, 'utf8').then(serialOfRenderedZone, () => null);
    if (mode === 'start') {
      const serial = await serialOf(file.file);
      if (serial !== null && (await file.holds(render(serial)))) return { file, serial };
    }
    if (mode === 'restore') {
      const serial = await serialOf(file.prev);
      if (serial !== null && (await file.reuseBackup(render(serial)))) {
        await file.commit();
        return { file, serial };
      }
    }
    const serial = nextSerial(await serialOf(file.file));
    // Triggers are names to police, not host names (named.conf: `check-names ignore`).
    return { file: await this.writeZone(rpz, render(serial), undefined, 'ignore'), serial };
  }

  /**
   * Writes named.conf, checked (a backup holding `text` goes back as is). It holds TSIG secrets:
   * 0640, group of the data directory (named's).
   */
  async writeConf(text: string): Promise<StagedFile> {
    const file = this.staged(this.layout.namedConf);
    if (!(await file.reuseBackup(text))) {
      await file.stage(text, { mode: 0o640, gid: (await stat(this.layout.dir)).gid });
      await this.checkConf(file, file.tmp);
    }
    await file.commit();
    return file;
  }

  /** At start: a named.conf already holding `text` is only checked, else written. */
  async keepOrWriteConf(text: string): Promise<void> {
    const file = this.staged(this.layout.namedConf);
    if (await file.holds(text)) await this.checkConf(file, file.file);
    else await this.writeConf(text);
  }

  private async checkConf(file: StagedFile, checked: string): Promise<void> {
    const check = await this.tools.checkConf(checked);
    if (check.ok) return;
    if (checked === file.tmp) await file.discard();
    const message = tidyCheckMessage(check.message, checked, file.file);
    throw new AppError('ZONE_CHECK_FAILED', { file: 'named.conf', message });
  }
}
