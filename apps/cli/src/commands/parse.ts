/**
 * Runs a node:util parseArgs call and turns its errors (unknown option, missing value …) into
 * usage errors (exit 2). Shared helpers for comma-separated list options live here too.
 */
import { usageError } from '../cli-error.js';

export function parse<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      throw usageError((err as Error).message);
    }
    throw err;
  }
}

/** `a,b , c` → ['a', 'b', 'c']; repeated options are merged. */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}
