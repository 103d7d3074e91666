import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFuzzServer, type FuzzServer } from './fuzz-server.js';
import { formatReport, runTarget } from './run-target.js';
import { FUZZ_TARGETS, SUITE_SEED } from './targets.js';

/**
 * The fuzz suite of `npm test`: every generator against the real server process with a fixed
 * seed (SUITE_SEED), at least 5,000 cases in all. After every server-facing case /healthz must
 * answer 200 AND the watchdog's REST write must come back as an event on its real WebSocket
 * (EVENT_EVERY = 1: the round trip costs a few ms, so there is no need to batch it). `npm run
 * fuzz -- --minutes N` runs the same generators longer with a random seed.
 */

const EVENT_EVERY = 1;

let server: FuzzServer | undefined;
beforeAll(async () => {
  server = await startFuzzServer();
}, 60_000);
afterAll(async () => {
  await server?.close();
});

function live(): FuzzServer {
  if (!server) throw new Error('the fuzz server did not start');
  return server;
}

describe('fuzzing the real server process', () => {
  it('runs at least 5,000 cases in all', () => {
    expect(FUZZ_TARGETS.reduce((n, t) => n + t.runs, 0)).toBeGreaterThanOrEqual(5000);
  });

  for (const target of FUZZ_TARGETS) {
    it(`${target.name}: ${target.runs} cases, no crash, no 5xx, server stays live`, async () => {
      const s = live();
      const report = await runTarget(s, target, {
        seed: SUITE_SEED,
        numRuns: target.runs,
        eventEvery: EVENT_EVERY,
      });
      if (report.failed) {
        throw new Error(
          `${formatReport(report)}\n--- server output ---\n${s.proc.output().slice(-3000)}`,
        );
      }
      expect(report.cases).toBe(target.runs);
    }, 600_000);
  }

  it('the process is still running after every generator', async () => {
    const s = live();
    expect(s.proc.child.exitCode).toBeNull();
    await s.checkAlive();
  });
});
