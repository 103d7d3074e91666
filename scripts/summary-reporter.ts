import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/** Files listed by time in the closing summary. */
const SLOWEST = 25;

/**
 * Prints one plain closing line, "tests: N passed, N failed, N skipped", so that tools reading
 * only the last lines of a run (CI summaries) get the counts without parsing Vitest's output.
 * Above it, the slowest files (collect + tests and hooks), so a CI tail says where the time
 * goes.
 */
export default class SummaryReporter implements Reporter {
  private started = 0;

  onTestRunStart(): void {
    this.started = performance.now();
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError> = [],
  ): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      let failedHere = 0;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedHere++;
        else skipped++;
      }
      // A file whose setup or hooks failed fails even when none of its tests ran.
      if (mod.state() === 'failed' && failedHere === 0) failedHere = 1;
      failed += failedHere;
    }
    // A worker that died (a native crash) leaves its tests unrun, not failed, and reports an
    // unhandled error instead: the closing line must not read "0 failed" for such a run.
    failed += unhandledErrors.length;
    const timed = testModules.map((mod) => {
      const d = mod.diagnostic();
      return {
        ms: d.collectDuration + d.duration,
        name: `${mod.project.name} ${mod.relativeModuleId}`,
      };
    });
    timed.sort((a, b) => b.ms - a.ms);
    console.log(`slowest files (of ${timed.length}):`);
    for (const t of timed.slice(0, SLOWEST)) {
      console.log(`  ${(t.ms / 1000).toFixed(1).padStart(7)}s  ${t.name}`);
    }
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    console.log(`duration: ${seconds}s`);
    console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
