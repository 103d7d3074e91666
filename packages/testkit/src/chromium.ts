import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: playwright-core drives it, no browser download. */
export const CHROMIUM = '/usr/bin/chromium';

/** Why a browser test cannot run; said at collection time rather than skipping the test. */
export const CHROMIUM_MISSING =
  `${CHROMIUM} is missing: the browser tests need Debian's chromium. Install it with ` +
  '`bash scripts/setup.sh --test` (what `npm test` runs first) or `apt-get install chromium`.';

/** Throws unless the browser is there: a missing browser fails a suite, it never skips it. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING);
}

/** Headless Chromium with the flags a container and a quiet test run need. */
export function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
