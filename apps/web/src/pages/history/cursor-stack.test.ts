import { describe, expect, it } from 'vitest';
import { currentCursor, FIRST_PAGE, hasNewer, newer, older, pageNumber } from './cursor-stack';

describe('cursor stack', () => {
  it('starts on the newest page without a cursor', () => {
    expect(currentCursor(FIRST_PAGE)).toBeUndefined();
    expect(pageNumber(FIRST_PAGE)).toBe(1);
    expect(hasNewer(FIRST_PAGE)).toBe(false);
  });

  it('goes older with each nextCursor and back newer to the exact cursors it used', () => {
    const p2 = older(FIRST_PAGE, 'c1');
    const p3 = older(p2, 'c2');
    expect(currentCursor(p3)).toBe('c2');
    expect(pageNumber(p3)).toBe(3);
    const back = newer(p3);
    expect(currentCursor(back)).toBe('c1');
    expect(pageNumber(back)).toBe(2);
    expect(currentCursor(newer(back))).toBeUndefined();
    expect(hasNewer(newer(back))).toBe(false);
  });

  it('does not go newer than the first page, and never mutates', () => {
    expect(newer(FIRST_PAGE)).toBe(FIRST_PAGE);
    const p2 = older(FIRST_PAGE, 'c1');
    older(p2, 'c2');
    newer(p2);
    expect(p2.cursors).toEqual(['c1']);
    expect(FIRST_PAGE.cursors).toEqual([]);
  });
});
