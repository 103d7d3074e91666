import type { FuzzTarget } from './fuzz-target.js';
import { dnstapTarget } from './dnstap-cases.js';
import { feedListTarget } from './feed-list-cases.js';
import { rawFrameTarget } from './frame-cases.js';
import { logParserTarget, tailedLogTarget } from './log-line-cases.js';
import { restTarget } from './rest-cases.js';
import { upgradeTarget } from './upgrade-cases.js';
import { protocolFrameTarget } from './v1-frame-cases.js';

/**
 * Every generator of the fuzz suite, in run order. The vitest suite (fuzz.test.ts) and
 * `npm run fuzz` (run-fuzz.ts) both run exactly these.
 */
export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  tailedLogTarget,
  logParserTarget,
  dnstapTarget,
  feedListTarget,
  upgradeTarget,
  rawFrameTarget,
  protocolFrameTarget,
  restTarget,
];

/** The seed `npm test` uses: fixed, so a failure in CI reproduces locally. */
export const SUITE_SEED = 20261204;
