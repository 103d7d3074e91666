import type { EventDataOf, EventType } from '@hdns/protocol';
import type { Actor } from '@hdns/hub';
import { outboxEvent, type OutboxEvent } from '../outbox/outbox-event.js';
import type { BlocklistFeedsTable } from '../storage/schema.js';

/**
 * The events the feeds module commits with its changes (outbox): its rpz_update, the health
 * alert a failing feed raises and resolves (source `feeds`: the protection is degraded, nothing
 * attacked), and a refresh's bulk_operation_complete.
 */

export const FEEDS_SOURCE = 'feeds';

export function feedEvent<T extends EventType>(
  type: T,
  data: EventDataOf<T>,
  actor: Actor | null,
): OutboxEvent {
  return outboxEvent(type, data, { actor, source: FEEDS_SOURCE });
}

export function failedAlert(row: BlocklistFeedsTable, message: string): OutboxEvent {
  return feedEvent(
    'health_alert',
    {
      alertId: `feed-${row.id}`,
      severity: 'warning',
      source: FEEDS_SOURCE,
      metric: 'feed_refresh',
      message,
    },
    null,
  );
}

export function resolvedAlert(row: BlocklistFeedsTable): OutboxEvent {
  return feedEvent(
    'health_alert',
    {
      alertId: `feed-${row.id}`,
      severity: 'info',
      source: FEEDS_SOURCE,
      metric: 'feed_refresh',
      message: `Blocklist feed "${row.name}" refreshes again.`,
      resolved: true,
    },
    null,
  );
}

/** The refresh's end for the progress bar: in the commit of its outcome, never lost apart. */
export function completion(
  row: BlocklistFeedsTable,
  status: 'succeeded' | 'failed',
  total: number,
  skipped: number,
  started: number,
  reason?: string,
): OutboxEvent {
  return outboxEvent('bulk_operation_complete', {
    jobId: row.id,
    kind: 'feed_refresh',
    zone: null,
    total,
    status,
    succeeded: total,
    failed: skipped,
    durationMs: Date.now() - started,
    errors: [],
    errorCount: skipped,
    ...(reason ? { reason } : {}),
  });
}
