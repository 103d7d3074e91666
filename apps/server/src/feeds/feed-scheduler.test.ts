import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FeedScheduler } from './feed-scheduler.js';
import type { FeedService } from './feed-service.js';

/**
 * The scheduler refreshes feeds only while this instance drives BIND (`active`: the BIND lease
 * holder, or the only instance), and stops going down its list when the lease goes elsewhere.
 */

describe('FeedScheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(due: string[]) {
    const state = { active: false, refreshed: [] as string[] };
    const feeds = {
      due: () => Promise.resolve(due),
      refresh: (id: string) => {
        state.refreshed.push(id);
        // The lease is lost while the first feed refreshes.
        if (id === 'lose-lease') state.active = false;
        return Promise.resolve();
      },
    } as unknown as FeedService;
    const scheduler = new FeedScheduler(feeds, {
      tickMs: 1000,
      active: () => state.active,
      log: { warn: () => undefined },
    });
    return { state, scheduler, stop: scheduler.start() };
  }

  it('refreshes nothing while another instance holds the BIND lease', async () => {
    const { state, stop } = setup(['a', 'b']);
    await vi.advanceTimersByTimeAsync(5000);
    expect(state.refreshed).toEqual([]);
    state.active = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(state.refreshed).toEqual(['a', 'b']);
    await stop();
  });

  it('stops going down the due feeds once the lease is lost', async () => {
    const { state, stop } = setup(['lose-lease', 'b', 'c']);
    state.active = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(state.refreshed).toEqual(['lose-lease']);
    await vi.advanceTimersByTimeAsync(3000);
    expect(state.refreshed).toEqual(['lose-lease']);
    await stop();
  });

  it('checks at once when kicked (a takeover), not at the next tick', async () => {
    const { state, scheduler, stop } = setup(['a']);
    state.active = true;
    scheduler.kick();
    await vi.advanceTimersByTimeAsync(0);
    expect(state.refreshed).toEqual(['a']);
    await stop();
    scheduler.kick();
    await vi.advanceTimersByTimeAsync(0);
    expect(state.refreshed).toEqual(['a']);
  });
});
