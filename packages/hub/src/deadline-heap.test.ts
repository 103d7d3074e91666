import { describe, expect, it, vi } from 'vitest';
import { DeadlineHeap, type Deadline } from './deadline-heap.js';

describe('DeadlineHeap', () => {
  it('fires due items in deadline order on one timer, skipping cancelled ones', async () => {
    const fired: string[] = [];
    let done: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (done = resolve));
    const heap = new DeadlineHeap<string>((item) => {
      fired.push(item);
      if (item === 'last') done();
    });
    const now = Date.now();
    heap.schedule('c', now + 30);
    const b = heap.schedule('b', now + 20);
    heap.schedule('a', now + 10);
    heap.schedule('last', now + 40);
    const x = heap.schedule('x', now + 15);
    heap.cancel(x);
    heap.cancel(x);
    expect(heap.size).toBe(4);
    heap.cancel(b);
    await all;
    expect(fired).toEqual(['a', 'c', 'last']);
    expect(heap.size).toBe(0);
  });

  it('lets fire schedule again, including a time already due, and stops on close', async () => {
    const fired: string[] = [];
    let done: () => void = () => undefined;
    const twice = new Promise<void>((resolve) => (done = resolve));
    const heap = new DeadlineHeap<string>((item) => {
      fired.push(item);
      if (item === 'warn') heap.schedule('expire', Date.now() - 1);
      else done();
    });
    heap.schedule('warn', Date.now());
    await twice;
    expect(fired).toEqual(['warn', 'expire']);
  });

  it('leaves no timer behind on close, and a closed heap never fires', () => {
    vi.useFakeTimers();
    try {
      const fired: string[] = [];
      const heap = new DeadlineHeap<string>((item) => fired.push(item));
      heap.schedule('never', Date.now() + 5);
      expect(vi.getTimerCount()).toBe(1);
      heap.close();
      expect(vi.getTimerCount()).toBe(0);
      heap.schedule('after-close', Date.now() + 5);
      vi.advanceTimersByTime(100);
      expect(fired).toEqual([]);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps a timer for the remaining deadlines when a handler throws', () => {
    vi.useFakeTimers();
    try {
      const fired: string[] = [];
      const heap = new DeadlineHeap<string>((item) => {
        fired.push(item);
        if (item === 'bad') throw new Error('handler failed');
      });
      const now = Date.now();
      heap.schedule('bad', now + 10);
      heap.schedule('later', now + 50);
      expect(() => vi.advanceTimersByTime(10)).toThrow('handler failed');
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(40);
      expect(fired).toEqual(['bad', 'later']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps heap order under many schedules and cancels', async () => {
    // Every deadline is already due by the injected clock, so the first timer pass fires all.
    const clock = 1000;
    const fired: number[] = [];
    const key = (n: number): number => (n * 7919) % 1000;
    const live = new Map<number, Deadline<number>>();
    let done: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (done = resolve));
    const heap = new DeadlineHeap<number>(
      (n) => {
        fired.push(n);
        if (fired.length === live.size) done();
      },
      () => clock,
    );
    for (let i = 0; i < 500; i++) live.set(i, heap.schedule(i, key(i)));
    for (let i = 0; i < 500; i += 3) {
      heap.cancel(live.get(i));
      live.delete(i);
    }
    await all;
    expect(fired.map(key)).toEqual([...live.keys()].map(key).sort((a, b) => a - b));
    expect(new Set(fired)).toEqual(new Set(live.keys()));
  });
});
