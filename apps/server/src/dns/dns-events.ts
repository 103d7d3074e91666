import type { EventDataOf, EventType } from '@hdns/protocol';
import type { Actor } from '@hdns/hub';
import { outboxEvent, type OutboxEvent } from '../outbox/outbox-event.js';

/**
 * The events of DNS changes. Services no longer publish after a write: they build these events
 * inside their store step and hand them to `Outbox.commit` with the write, so the change and
 * its events are stored in one transaction (or neither is). Building validates against the
 * catalogue, so an event that cannot be represented refuses the change (EVENT_NOT_REPRESENTABLE)
 * before anything commits; the event schemas accept everything the API accepts
 * (dns-event-limits.test.ts), so that is a guard, not a path users meet.
 */
export function dnsEvent<T extends EventType>(
  type: T,
  data: EventDataOf<T>,
  actor: Actor | null,
): OutboxEvent {
  return outboxEvent(type, data, { actor, source: 'api' });
}

export type { OutboxEvent as DnsEvent };
