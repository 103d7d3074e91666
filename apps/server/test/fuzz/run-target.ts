import fc from 'fast-check';
import type { FuzzServer } from './fuzz-server.js';
import type { FuzzTarget } from './fuzz-target.js';

export interface RunOptions {
  seed: number;
  numRuns: number;
  /**
   * Every case of a server-facing target is followed by a /healthz check; every
   * `eventEvery`-th case (and the last) also by the watchdog's REST-write-to-event round trip.
   */
  eventEvery: number;
  /** Stop generating after this many ms (the CLI's time budget); the cases run so far count. */
  timeLimitMs?: number;
}

export interface TargetReport {
  target: string;
  seed: number;
  cases: number;
  failed: boolean;
  /** fast-check's replay path, with the seed enough to rerun exactly this case. */
  path?: string;
  counterexample?: string;
  error?: string;
}

function describe(value: unknown): string {
  const text = fc.stringify(value);
  return text.length > 2000 ? `${text.slice(0, 2000)}… (${text.length} chars)` : text;
}

/**
 * Runs one target against the server with a fixed seed. No shrinking: the server is stateful,
 * and once it is dead every smaller input "fails" too, so the first failing case is reported
 * as is (with seed and path to replay it).
 */
export async function runTarget(
  server: FuzzServer,
  target: FuzzTarget,
  opts: RunOptions,
): Promise<TargetReport> {
  let cases = 0;
  const property = fc.asyncProperty(target.arbitrary(server), async (value) => {
    cases++;
    await target.run(server, value);
    if (!target.touchesServer) return;
    if (cases % opts.eventEvery === 0 || cases === opts.numRuns) await server.checkAlive();
    else await server.checkHealth();
  });
  let details: fc.RunDetails<[unknown]>;
  try {
    details = await fc.check(property, {
      seed: opts.seed,
      numRuns: opts.numRuns,
      endOnFailure: true,
      ...(opts.timeLimitMs !== undefined ? { interruptAfterTimeLimit: opts.timeLimitMs } : {}),
    });
  } finally {
    await target.close?.();
  }
  if (!details.failed) {
    // A run cut short by the time limit still ends with one full liveness check.
    if (target.touchesServer) await server.checkAlive();
    return { target: target.name, seed: opts.seed, cases, failed: false };
  }
  const error = details.errorInstance;
  return {
    target: target.name,
    seed: opts.seed,
    cases,
    failed: true,
    path: details.counterexamplePath ?? '',
    counterexample: describe(details.counterexample?.[0]),
    error: error instanceof Error ? error.message : String(error),
  };
}

export function formatReport(r: TargetReport): string {
  if (!r.failed) return `${r.target}: ${r.cases} cases, seed ${r.seed}, no failure`;
  return (
    `${r.target}: FAILED after ${r.cases} cases\n  seed ${r.seed}, path ${r.path ?? ''}\n` +
    `  error: ${r.error ?? ''}\n  counterexample: ${r.counterexample ?? ''}`
  );
}
