/**
 * Toasts: a tiny external store so any code (event handlers, forms) can show one without
 * prop-drilling. Kept separate from the event feed: toasts are transient, the feed is history.
 */
import { useSyncExternalStore } from 'react';

export type ToastLevel = 'info' | 'success' | 'warning' | 'critical';

export interface Toast {
  id: number;
  level: ToastLevel;
  title: string;
  body?: string;
  /** Toasts of one group merge: a burst of 500 RPZ hits is one toast saying ×500, not 500. */
  group?: string;
  /** How many toasts were merged into this one. */
  count: number;
}

const MAX_TOASTS = 5;
const LIFETIME_MS: Record<ToastLevel, number> = {
  info: 6_000,
  success: 5_000,
  warning: 10_000,
  // Critical toasts stay until dismissed: they must not vanish while nobody looks.
  critical: 0,
};

let toasts: readonly Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const timers = new Map<number, ReturnType<typeof setTimeout>>();

function publish(next: readonly Toast[]): void {
  toasts = next;
  for (const l of listeners) l();
}

export function showToast(toast: Omit<Toast, 'id' | 'count'>): number {
  const same = toast.group === undefined ? undefined : toasts.find((t) => t.group === toast.group);
  const id = same?.id ?? nextId++;
  const merged: Toast = { ...toast, id, count: (same?.count ?? 0) + 1 };
  publish(
    same ? toasts.map((t) => (t.id === id ? merged : t)) : [...toasts, merged].slice(-MAX_TOASTS),
  );
  // Every merge restarts the lifetime, so a continuing burst keeps its one toast visible.
  clearTimeout(timers.get(id));
  const lifetime = LIFETIME_MS[toast.level];
  if (lifetime > 0)
    timers.set(
      id,
      setTimeout(() => dismissToast(id), lifetime),
    );
  return id;
}

export function dismissToast(id: number): void {
  clearTimeout(timers.get(id));
  timers.delete(id);
  if (toasts.some((t) => t.id === id)) publish(toasts.filter((t) => t.id !== id));
}

export function useToasts(): readonly Toast[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => toasts,
  );
}
