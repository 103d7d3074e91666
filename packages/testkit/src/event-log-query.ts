import type { EventLog, LoggedEvent } from '@hdns/hub';
import type { EventDataOf, EventType } from '@hdns/protocol';

/**
 * Reading a hub's event log directly, with payloads typed from the catalogue: how monitor
 * tests check what a source published. (event-history.ts reads it over REST instead.)
 */

/** A logged event whose payload has the type the catalogue gives `T`. */
export type TypedLoggedEvent<T extends EventType> = Omit<LoggedEvent, 'data'> & {
  data: EventDataOf<T>;
};

/** Every logged event of one type, oldest first. */
export async function logged<T extends EventType>(
  log: EventLog,
  type: T,
): Promise<TypedLoggedEvent<T>[]> {
  // The log stores payloads the catalogue validated on publish, so the cast holds.
  return (await log.query({ types: [type] })) as unknown as TypedLoggedEvent<T>[];
}

/** The payload of the first logged event of `type` that `pred` accepts, or undefined. */
export async function findLogged<T extends EventType>(
  log: EventLog,
  type: T,
  pred: (data: EventDataOf<T>) => boolean,
): Promise<EventDataOf<T> | undefined> {
  return (await logged(log, type)).map((e) => e.data).find(pred);
}
