/**
 * Small shared checks of option values; each failure is a usage error (exit 2) naming the
 * option, raised before any request is sent.
 */
import { usageError } from '../cli-error.js';

/** `a,b , c` → ['a', 'b', 'c']; repeated options are merged. */
export function splitList(values: readonly string[] | string | undefined): string[] {
  const all = typeof values === 'string' ? [values] : (values ?? []);
  return all
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A whole number from `min` to `max`, or undefined when the option was not given. */
export function wholeNumber(
  option: string,
  raw: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw usageError(`${option} must be a whole number from ${min} to ${max}`);
  }
  return n;
}

/** One of `allowed`, or a usage error listing them. */
export function oneOf<T extends string>(option: string, raw: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === raw);
  if (found === undefined) throw usageError(`${option} must be one of ${allowed.join(', ')}`);
  return found;
}

/** The first issue of a failed schema check, as `field: message`. */
export function firstIssue(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  return issue.path.length > 0
    ? `${issue.path.map(String).join('.')}: ${issue.message}`
    : issue.message;
}
