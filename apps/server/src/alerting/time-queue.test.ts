import { describe, expect, it } from 'vitest';
import { TimeQueue } from './time-queue.js';

describe('TimeQueue', () => {
  it('keeps order through pushes, drops and compaction', () => {
    const q = new TimeQueue();
    const model: number[] = [];
    for (let t = 0; t < 10_000; t++) {
      q.push(t);
      model.push(t);
      if (t % 3 === 0) {
        const limit = t - 50;
        const before = model.length;
        while (model.length > 0 && (model[0] ?? 0) <= limit) model.shift();
        expect(q.dropUpTo(limit)).toBe(before - model.length);
      }
      expect(q.length).toBe(model.length);
      expect(q.first()).toBe(model[0]);
    }
    while (model.length > 0) expect(q.shift()).toBe(model.shift());
    expect(q.shift()).toBeUndefined();
    expect(q.length).toBe(0);
  });
});
