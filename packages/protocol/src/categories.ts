/**
 * Event categories and priorities. A category is a coarse subscription handle (`subscribe
 * ['dns']`); a priority drives the server's per-session queue: `critical` bypasses batching and
 * is never shed, `low` is shed first when a client falls behind.
 */
export const CATEGORIES = ['dns', 'security', 'health', 'system', 'user', 'bulk', 'query'] as const;
export type Category = (typeof CATEGORIES)[number];

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}

/** Ordered most urgent first; the index is the rank. */
export const PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export function isPriority(value: unknown): value is Priority {
  return typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value);
}

const PRIORITY_RANK: Readonly<Record<Priority, number>> = {
  critical: 0,
  high: 1,
  normal: 2,
  low: 3,
};

/** 0 for critical up to 3 for low: sort ascending to serve the most urgent first. */
export function priorityRank(priority: Priority): number {
  return PRIORITY_RANK[priority];
}

/** Comparator for `Array.prototype.sort`: most urgent first. */
export function comparePriority(a: Priority, b: Priority): number {
  return PRIORITY_RANK[a] - PRIORITY_RANK[b];
}
