import type { Hub, PublishOptions } from '@hdns/hub';
import type { EventDataOf, EventType } from '@hdns/protocol';

/**
 * What every monitor needs from the outside world, kept narrow so monitors are unit-testable
 * with a real Hub (or anything with the same `publish`).
 */

/** The only way a monitor emits events: the hub validates the payload against the catalogue. */
export interface EventPublisher {
  publish: Hub['publish'];
}

/** A pino logger fits; tests pass `silentLogger`. */
export interface MonitorLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Returned by every `start()`: stops timers, closes files and sockets. Idempotent. */
export type Stop = () => Promise<void>;

export const silentLogger: MonitorLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * Publishes without letting a rejected publish (invalid payload, closed log) escape as an
 * unhandled rejection: monitors run on timers, nobody awaits them. Resolves true on success.
 */
export function publishSafely<T extends EventType>(
  hub: EventPublisher,
  logger: MonitorLogger,
  type: T,
  data: EventDataOf<T>,
  options: PublishOptions,
): Promise<boolean> {
  return hub.publish(type, data, options).then(
    () => true,
    (err: unknown) => {
      logger.warn({ err, type }, 'monitor failed to publish an event');
      return false;
    },
  );
}
