import type { EventDataOf, EventType } from '@hdns/protocol';
import type { Hub, PublishOptions } from '@hdns/hub';

/** The narrow part of the hub DNS services use; they publish and never read. */
export type DnsPublisher = Pick<Hub, 'publish'>;

interface Logger {
  error(obj: object, msg?: string): void;
}

/**
 * Publishes after a change is stored and served. A failed publish is logged, never thrown: the
 * change already happened, and the caller's request must not fail because an event could not be
 * written.
 */
export function publisher(hub: DnsPublisher, log: Logger) {
  return async <T extends EventType>(
    type: T,
    data: EventDataOf<T>,
    options: PublishOptions,
  ): Promise<void> => {
    try {
      await hub.publish(type, data, options);
    } catch (err) {
      log.error({ err, type }, 'failed to publish a DNS event');
    }
  };
}

export type Publish = ReturnType<typeof publisher>;
