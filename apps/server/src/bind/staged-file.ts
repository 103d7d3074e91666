import {
  chmod,
  chown,
  copyFile,
  link,
  mkdir,
  readFile,
  rename,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';

/**
 * Two-phase file replacement: `stage()` writes the new version to the staging directory for a
 * checker to judge, then either `discard()` or `commit()`. Commit keeps the current version in
 * the backup directory and renames the staged file over `<file>` atomically. `rollback()` puts
 * the backup back after a commit whose result BIND refused or could not be told about.
 *
 * Both directories hold files under their final base name (`staging/db.a.test`), never under
 * a suffixed name next to the real file: `db.a.test.tmp` would be the file of a zone named
 * `a.test.tmp`. The directories must be on the file system of `<file>` (renames stay atomic).
 *
 * Space: only `stage()` writes data. The backup is a hard link to the current file (a copy only
 * where hard links are not supported), and the rollback is a rename, so a full disk can make a
 * change fail at the stage, never leave it half applied or impossible to undo. A failed stage or
 * commit removes the staged file. And when the backup already holds the wanted content (undoing
 * a change the database could not store), `reuseBackup()` makes the commit swap the backup back
 * in, so even the undo needs no space.
 */

export interface StagingDirs {
  stagingDir: string;
  backupDir: string;
}

export class StagedFile {
  readonly tmp: string;
  readonly prev: string;
  private hadPrevious = false;
  private reusing = false;

  constructor(
    readonly file: string,
    dirs: StagingDirs,
  ) {
    const base = path.basename(file);
    this.tmp = path.join(dirs.stagingDir, base);
    this.prev = path.join(dirs.backupDir, base);
  }

  /**
   * `access`: a file holding secrets (named.conf with TSIG keys) is `mode` 0640 with the group
   * of the directory named owns, so named (another user) reads it and nobody else does. A server
   * not running as root cannot give the file away; it stays its own, which named shares then.
   */
  async stage(content: string, access?: { mode: number; gid: number }): Promise<void> {
    try {
      await mkdir(path.dirname(this.tmp), { recursive: true });
      await writeFile(this.tmp, content, { mode: access?.mode ?? 0o644 });
      if (access) {
        await chmod(this.tmp, access.mode);
        const s = await stat(this.tmp);
        if (s.gid !== access.gid) await chown(this.tmp, s.uid, access.gid).catch(() => undefined);
      }
    } catch (err) {
      await this.discard().catch(() => undefined); // a partial file must not linger
      throw err;
    }
  }

  /** True when `<file>` already holds exactly `content` (nothing to write). */
  async holds(content: string): Promise<boolean> {
    return sameContent(this.file, content);
  }

  /**
   * True when the backup holds exactly `content`; the next `commit()` then swaps it back in
   * (keeping the replaced version as the new backup) instead of renaming a staged file.
   */
  async reuseBackup(content: string): Promise<boolean> {
    this.reusing = await sameContent(this.prev, content);
    return this.reusing;
  }

  /** Like reuseBackup, when `accept` says the backup is the wanted version. */
  async reuseBackupIf(accept: (backup: string) => boolean): Promise<boolean> {
    const backup = await readFile(this.prev, 'utf8').catch(() => null);
    this.reusing = backup !== null && accept(backup);
    return this.reusing;
  }

  async discard(): Promise<void> {
    await rm(this.tmp, { force: true });
  }

  async commit(): Promise<void> {
    if (this.reusing) {
      await this.swapBackupIn();
      return;
    }
    try {
      await mkdir(path.dirname(this.prev), { recursive: true });
      await rm(this.prev, { force: true });
      this.hadPrevious = await keepAs(this.file, this.prev);
      await rename(this.tmp, this.file);
    } catch (err) {
      await this.discard().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Restores the version before `commit()` (or removes the file when there was none). The file
   * gets a fresh mtime: BIND skips a zone reload when the file is not newer than its last load,
   * and the restored version must win over the one it may have loaded meanwhile.
   */
  async rollback(): Promise<void> {
    if (!this.hadPrevious) {
      await rm(this.file, { force: true });
      return;
    }
    await rename(this.prev, this.file);
    this.hadPrevious = false;
    const now = new Date();
    await utimes(this.file, now, now);
  }

  /** backup → file, replaced file → backup; renames and a hard link only. */
  private async swapBackupIn(): Promise<void> {
    this.reusing = false;
    await rm(this.tmp, { force: true });
    const hadCurrent = await keepAs(this.file, this.tmp);
    await rename(this.prev, this.file);
    const now = new Date();
    await utimes(this.file, now, now); // newer than any load: a zone reload must pick it up
    if (hadCurrent) await rename(this.tmp, this.prev);
    this.hadPrevious = hadCurrent;
  }
}

/** Whether `file` exists with exactly `content` (sizes first, so most misses read nothing). */
async function sameContent(file: string, content: string): Promise<boolean> {
  const size = await stat(file).then(
    (s) => s.size,
    () => -1,
  );
  if (size !== Buffer.byteLength(content)) return false;
  return (await readFile(file, 'utf8').catch(() => null)) === content;
}

/**
 * Makes `copy` another name for `file`'s current content: a hard link (no data written), or a
 * copy on file systems without hard links. False when `file` does not exist.
 */
async function keepAs(file: string, copy: string): Promise<boolean> {
  try {
    await link(file, copy);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw err;
  }
  await copyFile(file, copy);
  return true;
}
