import { afterEach, describe, expect, it, vi } from 'vitest';
import { FALLBACK_FRAME_MS, nextFrame } from './frame-scheduler.js';
import { FrameStore } from './frame-store.js';
import { manualScheduler } from '../test/manual-scheduler.js';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('FrameStore', () => {
  it('publishes once per frame however often it is invalidated', () => {
    const frames = manualScheduler();
    let value = 0;
    const compute = vi.fn(() => ({ value }));
    const store = new FrameStore(compute, frames.schedule);
    const listener = vi.fn();
    store.subscribe(listener);
    const first = store.getSnapshot();

    for (let i = 0; i < 1000; i++) {
      value = i;
      store.invalidate();
    }
    expect(frames.pending()).toBe(1);
    expect(store.getSnapshot()).toBe(first); // nothing published before the frame
    frames.frame();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.getSnapshot()).toEqual({ value: 999 });
    expect(compute).toHaveBeenCalledTimes(2); // construction + one flush
  });

  it('skips the notification when compute returns the same object', () => {
    const frames = manualScheduler();
    const same = { v: 1 };
    const store = new FrameStore(() => same, frames.schedule);
    const listener = vi.fn();
    store.subscribe(listener);
    store.invalidate();
    frames.frame();
    expect(listener).not.toHaveBeenCalled();
  });

  it('stops notifying unsubscribed listeners and cancels on dispose', () => {
    const frames = manualScheduler();
    let n = 0;
    const store = new FrameStore(() => ({ n }), frames.schedule);
    const listener = vi.fn();
    const off = store.subscribe(listener);
    off();
    n = 1;
    store.invalidate();
    store.dispose();
    expect(frames.pending()).toBe(0);
    store.flush();
    expect(listener).not.toHaveBeenCalled();
    expect(store.getSnapshot()).toEqual({ n: 1 });
  });
});

describe('nextFrame', () => {
  it('falls back to setTimeout(16) without requestAnimationFrame', () => {
    vi.stubGlobal('requestAnimationFrame', undefined);
    vi.useFakeTimers();
    const cb = vi.fn();
    nextFrame(cb);
    vi.advanceTimersByTime(FALLBACK_FRAME_MS - 1);
    expect(cb).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(cb).toHaveBeenCalledTimes(1);
    const cancelled = vi.fn();
    nextFrame(cancelled)();
    vi.advanceTimersByTime(100);
    expect(cancelled).not.toHaveBeenCalled();
  });

  it('uses requestAnimationFrame when present', () => {
    const callbacks: (() => void)[] = [];
    vi.stubGlobal('requestAnimationFrame', (cb: () => void) => callbacks.push(cb));
    vi.stubGlobal('cancelAnimationFrame', vi.fn());
    const cb = vi.fn();
    const cancel = nextFrame(cb);
    expect(callbacks).toHaveLength(1);
    callbacks[0]?.();
    expect(cb).toHaveBeenCalledTimes(1);
    cancel();
    expect(globalThis.cancelAnimationFrame).toHaveBeenCalledWith(1);
  });
});
