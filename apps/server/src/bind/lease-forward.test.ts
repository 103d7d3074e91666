import { describe, expect, it } from 'vitest';
import { forwardTimeoutMs } from './lease-forward.js';
import { FEED_LOAD_TIMEOUT_MS } from './policy-zones.js';

/**
 * A forwarded feed write may download the list and wait for named to load it before the holder
 * answers: its forward must outlast both, or a refresh that succeeds reads as an unknown outcome.
 */

describe('forwardTimeoutMs', () => {
  it('outlasts a feed download and its zone load for feed writes', () => {
    const download = 120_000;
    for (const route of ['/api/feeds', '/api/feeds/:id/refresh', '/api/feeds/allowlist']) {
      expect(forwardTimeoutMs(route, download)).toBeGreaterThan(download + FEED_LOAD_TIMEOUT_MS);
    }
    // Follows the download timeout setting.
    expect(forwardTimeoutMs('/api/feeds/:id/refresh', 3_600_000)).toBeGreaterThan(
      3_600_000 + FEED_LOAD_TIMEOUT_MS,
    );
  });

  it('keeps the usual bound for the other DNS writes', () => {
    expect(forwardTimeoutMs('/api/zones/:zone/records', 120_000)).toBeLessThan(120_000);
    expect(forwardTimeoutMs('/api/feedsx', 120_000)).toBeLessThan(120_000);
  });
});
