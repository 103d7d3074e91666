/**
 * Paging through a search newest first with the store's forward-only cursors. The API only
 * continues "after" a cursor, so going back to newer pages means remembering the cursor each
 * page was fetched with: a stack, one entry per page below the first. Only the page on screen
 * is ever loaded, however many rows the store holds.
 */

export interface CursorStack {
  /** `cursors[i]` fetched page i + 2; the first page needs none. */
  readonly cursors: readonly string[];
}

export const FIRST_PAGE: CursorStack = { cursors: [] };

/** The cursor to fetch the current page with (undefined: the newest page). */
export const currentCursor = (s: CursorStack): string | undefined => s.cursors.at(-1);

/** 1-based. */
export const pageNumber = (s: CursorStack): number => s.cursors.length + 1;

export const hasNewer = (s: CursorStack): boolean => s.cursors.length > 0;

/** One page older: fetched with the current page's `nextCursor`. */
export const older = (s: CursorStack, nextCursor: string): CursorStack => ({
  cursors: [...s.cursors, nextCursor],
});

/** One page newer; the first page stays the first. */
export const newer = (s: CursorStack): CursorStack =>
  hasNewer(s) ? { cursors: s.cursors.slice(0, -1) } : s;
