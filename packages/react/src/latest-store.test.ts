import { describe, expect, it } from 'vitest';
import { EXAMPLE_EVENTS } from '@hdns/protocol';
import { LatestStore, coalesceKeyOf } from './latest-store.js';
import { makeEvent } from '../test/fake-client.js';
import { manualScheduler } from '../test/manual-scheduler.js';

const stats = (windowSec: number, qps: number) =>
  makeEvent('query_stats', { ...EXAMPLE_EVENTS.query_stats, windowSec, qps });

describe('LatestStore', () => {
  it('keeps the newest per type and per coalesce key, published once per frame', () => {
    const frames = manualScheduler();
    const latest = new LatestStore(frames.schedule);
    latest.push(stats(60, 1));
    latest.push(stats(300, 2));
    latest.push(stats(60, 3));
    expect(latest.get('query_stats')).toBeUndefined(); // not published yet
    frames.frame();
    expect(latest.get('query_stats')?.data.qps).toBe(3);
    expect(latest.get('query_stats', 60)?.data.qps).toBe(3);
    expect(latest.get('query_stats', 300)?.data.qps).toBe(2);
    expect(latest.get('query_stats', 900)).toBeUndefined();
  });

  it('returns the same object until that slot gets a newer event', () => {
    const frames = manualScheduler();
    const latest = new LatestStore(frames.schedule);
    latest.push(makeEvent('system_metrics'));
    latest.push(stats(60, 1));
    frames.frame();
    const metrics = latest.get('system_metrics');
    latest.push(stats(60, 2));
    frames.frame();
    expect(latest.get('system_metrics')).toBe(metrics);
    expect(latest.get('query_stats', 60)?.data.qps).toBe(2);
  });

  it('derives keys from the catalogue', () => {
    expect(coalesceKeyOf(stats(60, 1))).toBe('60');
    expect(coalesceKeyOf(makeEvent('system_metrics'))).toBeUndefined(); // one per type
    expect(coalesceKeyOf(makeEvent('zone_created'))).toBeUndefined();
    const progress = makeEvent('bulk_operation_progress');
    expect(coalesceKeyOf(progress)).toBe(progress.data.jobId);
  });
});
