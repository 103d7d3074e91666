import { describe, expect, it } from 'vitest';
import type { BlocklistFeedsTable } from '../storage/schema.js';
import { nextRefreshAt, nextRefreshMs, retryDelayMs } from './feed-retry.js';

const MIN = 60_000;

describe('retryDelayMs', () => {
  it('doubles from the base per failure, jittered over the upper half of each step', () => {
    const low = () => 0;
    const high = () => 1;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1440 * MIN, MIN, low))).toEqual([
      30_000, 60_000, 120_000, 240_000,
    ]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1440 * MIN, MIN, high))).toEqual([
      MIN,
      2 * MIN,
      4 * MIN,
      8 * MIN,
    ]);
  });

  it("never waits beyond the feed's interval, however many failures", () => {
    expect(retryDelayMs(3, 5 * MIN, MIN, () => 1)).toBe(4 * MIN);
    expect(retryDelayMs(4, 5 * MIN, MIN, () => 1)).toBe(5 * MIN);
    expect(retryDelayMs(500, 5 * MIN, MIN, () => 1)).toBe(5 * MIN);
    expect(retryDelayMs(500, 5 * MIN, MIN, () => 0)).toBe(2.5 * MIN);
  });
});

describe('nextRefreshAt', () => {
  const row = (patch: Partial<BlocklistFeedsTable>): BlocklistFeedsTable => ({
    id: 'f',
    name: 'f',
    url: 'http://x.test/',
    format: 'auto',
    category: 'ads',
    action: 'nxdomain',
    redirect_to: null,
    enabled: 1,
    refresh_minutes: 60,
    zone: 'rpz-feed-f.local',
    serial: 1,
    last_fetch_at: '2026-01-01T10:00:00.000Z',
    last_success_at: '2026-01-01T10:00:00.000Z',
    last_error: null,
    etag: null,
    last_modified: null,
    domain_count: 1,
    skipped_count: 0,
    failures: 0,
    next_attempt_at: null,
    version: 1,
    created_at: '2026-01-01T09:00:00.000Z',
    updated_at: '2026-01-01T09:00:00.000Z',
    ...patch,
  });

  it('is the interval after the last fetch when the feed is well', () => {
    expect(nextRefreshAt(row({}))).toBe('2026-01-01T11:00:00.000Z');
  });

  it("is the retry time after a failure, but never beyond the interval's end", () => {
    expect(nextRefreshAt(row({ next_attempt_at: '2026-01-01T10:02:00.000Z', failures: 2 }))).toBe(
      '2026-01-01T10:02:00.000Z',
    );
    // The interval was shortened after the failure: its end comes first.
    expect(
      nextRefreshAt(row({ next_attempt_at: '2026-01-01T12:00:00.000Z', refresh_minutes: 5 })),
    ).toBe('2026-01-01T10:05:00.000Z');
  });

  it('is due at once when never fetched, and never when disabled', () => {
    expect(nextRefreshMs(row({ last_fetch_at: null }))).toBe(Date.parse('2026-01-01T09:00:00Z'));
    expect(nextRefreshAt(row({ enabled: 0 }))).toBeNull();
  });
});
