import { defineConfig } from 'vitest/config';

/**
 * Whole-app suites that run a second time with the app database on PostgreSQL (a real server
 * per file, `HDNS_TEST_DATABASE=postgres`, see apps/server/test/storage-backends.ts): REST,
 * auth, users, DNS data, jobs, events and the audit log. The storage units run on both engines
 * anyway (`describeStorage`). Suites that reach into SQLite files on purpose stay SQLite-only.
 */
const POSTGRES_SUITES = [
  'app',
  'auth',
  'users',
  'dns-api',
  'events-rest',
  'authz-zones',
  'authz-jobs',
  'audit-bounds',
  'realtime',
  'change-event-limits',
  'account',
  'api-tokens',
  'feeds',
  'alerting',
]
  .map((name) => `apps/server/test/${name}.test.ts`)
  .concat(['apps/server/src/querystore/query-store.contract.test.ts']);

export default defineConfig({
  test: {
    // A budget, not a measure: the e2e and CLI tests drive real servers, named and Chromium and
    // take 10-20 s alone; a loaded CI machine has run such a test 3× slower than here.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['./scripts/vitest-build.ts'],
    reporters: ['default', './scripts/summary-reporter.ts'],
    pool: 'forks',
    // Two files at a time on the 2-core CI machine (vitest's default is cores - 1 = 1): most
    // integration files wait on named, Chromium or sockets, not the CPU. Measured: 1,752 s for
    // the suite with 2 workers against 2,114 s with 1, every test passing in both.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'apps/*/test/**/*.test.ts',
            'test/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: POSTGRES_SUITES,
          env: { HDNS_TEST_DATABASE: 'postgres' },
        },
      },
    ],
  },
});
