/**
 * Which live events raise a toast: every high or critical event, and changes to zones, records
 * and policy rules made by someone else (so a viewer notices an admin's edits). The user's own
 * such changes never do: the page that made them confirms them already ("Zone x created"), and
 * a second toast for the same action said the same thing twice.
 */
import type { Priority } from '@hdns/protocol';

/** The parts of an event frame the rule reads. */
export interface ToastCandidate {
  event: string;
  priority: Priority;
  meta: { actor?: { id: string } | null };
}

const LIVE_CHANGES: ReadonlySet<string> = new Set([
  'zone_created',
  'zone_updated',
  'zone_deleted',
  'record_created',
  'record_updated',
  'record_deleted',
  'rpz_update',
]);

export function raisesToast(e: ToastCandidate, myUserId: string): boolean {
  const actor = e.meta.actor?.id;
  if (LIVE_CHANGES.has(e.event)) return actor != null && actor !== myUserId;
  return e.priority === 'high' || e.priority === 'critical';
}
