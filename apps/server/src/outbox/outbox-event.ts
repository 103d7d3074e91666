import { randomUUID } from 'node:crypto';
import { parseEventData, type EventDataOf, type EventType } from '@hdns/protocol';
import type { PublishOptions } from '@hdns/hub';
import { AppError } from '../http/app-error.js';

/** What an outbox row keeps of the hub's publish options (id and ts have columns of their own). */
export type OutboxEventOptions = Pick<PublishOptions, 'actor' | 'priority' | 'source' | 'audience'>;

/** One event of a change, ready to be written in the change's transaction. */
export interface OutboxEvent {
  /** Chosen now, before the commit: the event log deduplicates relay retries on it. */
  id: string;
  type: EventType;
  ts: string;
  /** Already parsed by the catalogue schema (the form the hub will log). */
  data: unknown;
  options: OutboxEventOptions;
}

/**
 * Builds the event that describes a change and validates it against the catalogue at once, so a
 * change whose event cannot be represented is refused (EVENT_NOT_REPRESENTABLE, nothing stored)
 * instead of being stored without its event. Call it inside the store step, before the commit.
 */
export function outboxEvent<T extends EventType>(
  type: T,
  data: EventDataOf<T>,
  options: OutboxEventOptions = {},
): OutboxEvent {
  const parsed = parseEventData(type, data);
  if (!parsed.ok) {
    throw new AppError('EVENT_NOT_REPRESENTABLE', {
      message: `the ${type} event for this change is invalid (${parsed.message}); nothing was stored`,
      event: type,
    });
  }
  return {
    id: randomUUID(),
    type,
    ts: new Date().toISOString(),
    data: parsed.data,
    options: {
      ...(options.actor !== undefined ? { actor: options.actor } : {}),
      ...(options.priority !== undefined ? { priority: options.priority } : {}),
      ...(options.source !== undefined ? { source: options.source } : {}),
      ...(options.audience !== undefined ? { audience: options.audience } : {}),
    },
  };
}
