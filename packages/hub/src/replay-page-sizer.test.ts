import { describe, expect, it } from 'vitest';
import { ReplayPageSizer } from './replay-page-sizer.js';

describe('ReplayPageSizer', () => {
  it('reads a small first page, then about the byte budget, within the count bound', () => {
    const pages = new ReplayPageSizer(500, 1024 * 1024);
    const first = pages.limit;
    expect(first).toBeLessThan(500);
    pages.observe(first, first * 100 * 1024); // ~100 KB events
    expect(pages.limit).toBe(10);
    pages.observe(10, 10 * 300); // small events: the count bound rules
    expect(pages.limit).toBe(500);
    pages.observe(0, 0); // nothing learnt
    expect(pages.limit).toBe(500);
    pages.observe(1, 4 * 1024 * 1024); // one event larger than the budget: still one at a time
    expect(pages.limit).toBe(1);
  });

  it('never asks for more than the count bound, even first', () => {
    expect(new ReplayPageSizer(5, 1024).limit).toBe(5);
  });
});
