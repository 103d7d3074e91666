import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** This process's open-file limit (soft, hard) from /proc/self/limits; undefined if unknown. */
export function fdLimit(): { soft: number; hard: number } | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = (line?.match(/\d+|unlimited/g) ?? []).map((v) =>
      v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v),
    );
    return soft === undefined || hard === undefined ? undefined : { soft, hard };
  } catch {
    return undefined;
  }
}

/**
 * Raises this process's open-file limit (soft and hard) to at least `wanted` with `prlimit`,
 * so the server and load-generator processes forked afterwards inherit it (a server holding
 * 20,000 sockets needs more than the machine's default 20,000). Needs root or
 * CAP_SYS_RESOURCE to raise the hard limit; returns the soft limit in force afterwards, and
 * never throws (a scenario that needs more then fails on its own connection check).
 */
export function raiseFdLimit(wanted: number): number {
  const now = fdLimit();
  if (!now || now.soft >= wanted) return now?.soft ?? Number.NaN;
  try {
    const hard = now.hard === Number.POSITIVE_INFINITY ? 'unlimited' : Math.max(wanted, now.hard);
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${wanted}:${hard}`], {
      stdio: 'ignore',
    });
  } catch {
    // Not permitted or no prlimit: keep the current limit.
  }
  return fdLimit()?.soft ?? now.soft;
}
