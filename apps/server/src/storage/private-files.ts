import { chmodSync, closeSync, mkdirSync, openSync, statSync, writeFileSync } from 'node:fs';

/**
 * Owner-only files and directories for everything secret the server keeps: the databases
 * (password hashes, refresh-token hashes, audit trail), the JWT key, the rndc key and the
 * generated first-admin password.
 *
 * Explicit modes rather than a process-wide `umask(0o077)`: zone files and named.conf are written
 * by the same process and must stay readable for a `named` that drops privileges, so a global
 * umask would be wrong for them. Existing files and directories with group or other bits (from
 * an older version or a hand-made data dir) are tightened, never loosened.
 */

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

function tighten(target: string, mode: number): void {
  const stat = statSync(target, { throwIfNoEntry: false });
  if (stat && (stat.mode & 0o077) !== 0) chmodSync(target, mode);
}

/** Creates `dir` (and parents) 0700, or tightens an existing one to 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir, PRIVATE_DIR_MODE);
}

/**
 * Makes sure `file` exists with mode 0600 before anyone writes secrets to it: created empty
 * (0600 from the start, no window with a wider mode) when missing, tightened when present.
 */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  tighten(file, PRIVATE_FILE_MODE);
}

/** Tightens `file` to 0600 when it exists (SQLite's -wal/-shm files of an older install). */
export function tightenIfPresent(file: string): void {
  tighten(file, PRIVATE_FILE_MODE);
}

/** The files SQLite keeps next to a database: its WAL, shared-memory index and rollback journal. */
const SQLITE_SIDECAR_SUFFIXES = ['-wal', '-shm', '-journal'] as const;

/**
 * Tightens a SQLite database and every sidecar of it that exists to 0600. SQLite creates its
 * sidecars with the database file's mode, but ones left by an older install (or a hand-made copy)
 * keep whatever mode they had, and the WAL holds recently written rows in clear. Called before
 * the open (for leftovers the open would reuse) and after it (for what the open created).
 */
export function tightenSqliteFiles(file: string): void {
  for (const suffix of ['', ...SQLITE_SIDECAR_SUFFIXES]) tightenIfPresent(`${file}${suffix}`);
}

/**
 * Writes `content` to a new file created 0600. Returns false, writing nothing, when the file
 * already exists (`wx`: concurrent first starts agree on whichever wrote first).
 */
export function writePrivateFileOnce(file: string, content: string): boolean {
  try {
    writeFileSync(file, content, { flag: 'wx', mode: PRIVATE_FILE_MODE });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}
