import { copyFile, rename, rm, writeFile } from 'node:fs/promises';

/**
 * Two-phase file replacement: `stage()` writes `<file>.tmp` for a checker to judge, then either
 * `discard()` or `commit()`. Commit keeps the current version as `<file>.prev` (a copy, so
 * `<file>` exists at every instant) and renames the staged file over `<file>` atomically.
 * `rollback()` puts `.prev` back after a commit whose result BIND refused.
 */
export class StagedFile {
  readonly tmp: string;
  readonly prev: string;
  private hadPrevious = false;

  constructor(readonly file: string) {
    this.tmp = `${file}.tmp`;
    this.prev = `${file}.prev`;
  }

  async stage(content: string): Promise<void> {
    await writeFile(this.tmp, content, { mode: 0o644 });
  }

  async discard(): Promise<void> {
    await rm(this.tmp, { force: true });
  }

  async commit(): Promise<void> {
    try {
      await copyFile(this.file, this.prev);
      this.hadPrevious = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.hadPrevious = false;
    }
    await rename(this.tmp, this.file);
  }

  /** Restores the version before `commit()`; removes the file when there was none. */
  async rollback(): Promise<void> {
    if (!this.hadPrevious) {
      await rm(this.file, { force: true });
      return;
    }
    await copyFile(this.prev, this.tmp);
    await rename(this.tmp, this.file);
  }
}
