/**
 * The `hello.client.instanceId` of a shared connection: stable per browser profile and user, so
 * the server lets a leader's new connection (a reload, or another tab taking over) supersede the
 * previous one instead of counting it as another device. Kept in localStorage under a key that
 * includes the user key: two users signed in to the same origin never supersede each other.
 */
import type { StorageLike } from './platform.js';

/** Reads the stored id, creating it on first use; a random one when storage is unusable. */
export function stableInstanceId(
  storage: StorageLike | undefined,
  key: string,
  random: () => string = randomId,
): string {
  try {
    const stored = storage?.getItem(key);
    if (stored) return stored;
    const id = `browser-${random()}`;
    storage?.setItem(key, id);
    return id;
  } catch {
    // Storage disabled or full: this page gets its own id; superseding then works per page.
    return `browser-${random()}`;
  }
}

export function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;
}

/**
 * A tab id that sorts by start time (then randomly): the fallback election picks the lowest,
 * so the oldest tab leads and a newly opened tab never takes over from a running leader.
 */
export function tabId(now: number = Date.now(), random: () => string = randomId): string {
  return `${now.toString(36).padStart(10, '0')}-${random().slice(0, 8)}`;
}
