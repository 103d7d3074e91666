import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/**
 * Finds the BIND executables: every directory of PATH first, then the sbin/bin directories
 * where Debian puts them (`named` and `rndc` live in /usr/sbin, which a non-root PATH often
 * lacks).
 */

export interface BindBinaries {
  named: string;
  rndc: string;
  rndcConfgen: string;
  namedCheckzone: string;
  namedCheckconf: string;
}

const NAMES: Record<keyof BindBinaries, string> = {
  named: 'named',
  rndc: 'rndc',
  rndcConfgen: 'rndc-confgen',
  namedCheckzone: 'named-checkzone',
  namedCheckconf: 'named-checkconf',
};

export const FALLBACK_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin'];

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function locateBinary(
  name: string,
  pathEnv: string | undefined = process.env.PATH,
  extraDirs: readonly string[] = FALLBACK_DIRS,
): string | null {
  const dirs = [...(pathEnv ?? '').split(path.delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const file = path.join(dir, name);
    if (isExecutable(file)) return file;
  }
  return null;
}

export interface LocatedBinaries {
  found: Partial<BindBinaries>;
  missing: string[];
  /** All five present. */
  complete: BindBinaries | null;
}

export function locateBindBinaries(
  pathEnv?: string,
  extraDirs?: readonly string[],
): LocatedBinaries {
  const found: Partial<BindBinaries> = {};
  const missing: string[] = [];
  for (const key of Object.keys(NAMES) as (keyof BindBinaries)[]) {
    const file = locateBinary(NAMES[key], pathEnv, extraDirs);
    if (file) found[key] = file;
    else missing.push(NAMES[key]);
  }
  const complete = missing.length === 0 ? (found as BindBinaries) : null;
  return { found, missing, complete };
}
