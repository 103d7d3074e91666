/**
 * Recognizes "the disk is full" however it surfaces: Node's file system errors (`ENOSPC`, or
 * `EDQUOT` for a quota) and SQLite's (`SQLITE_FULL`, which better-sqlite3 puts in `code`). The
 * error may be wrapped (`cause` chains are followed, a few levels deep). The central error
 * handler turns such an error into the catalogue's STORAGE_FULL (507), so a client sees a clear,
 * stable answer instead of INTERNAL.
 */

const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

export function isStorageFull(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && FULL_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
