import { describe, expect, it } from 'vitest';
import {
  PRUNE_EVERY_MAX_APPENDS,
  PRUNE_INTERVAL_MAX_MS,
  PRUNE_INTERVAL_MIN_MS,
  pruneEveryAppends,
  pruneIntervalMs,
} from './retention.js';

describe('retention prune schedule', () => {
  it('prunes every tenth of the shortest age limit, within [1 s, 60 s]', () => {
    // The settings' smallest age (60 s) is pruned every 6 s: `too_old` within 66 s at most.
    expect(pruneIntervalMs({ maxAgeMs: [60_000, 7 * 86_400_000] })).toBe(6_000);
    expect(pruneIntervalMs({ maxAgeMs: [86_400_000] })).toBe(PRUNE_INTERVAL_MAX_MS);
    expect(pruneIntervalMs({ maxAgeMs: [500] })).toBe(PRUNE_INTERVAL_MIN_MS);
    expect(pruneIntervalMs({ maxAgeMs: [] })).toBe(PRUNE_INTERVAL_MAX_MS);
  });

  it('prunes by count every tenth of the smallest count limit in appends, at most 1,000', () => {
    expect(pruneEveryAppends({ maxEvents: [100, 200_000] })).toBe(10);
    expect(pruneEveryAppends({ maxEvents: [100_000] })).toBe(PRUNE_EVERY_MAX_APPENDS);
    expect(pruneEveryAppends({ maxEvents: [5] })).toBe(1);
  });
});
