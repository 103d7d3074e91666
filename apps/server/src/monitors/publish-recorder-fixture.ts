/** For tests: a hub stand-in that records what a monitor publishes. */
import { eventSpec } from '@hdns/protocol';
import type { EventPublisher } from './monitor-types.js';

/** Records each publish, checked against the catalogue as the hub would check it. */
export function publishRecorder() {
  const events: { type: string; data: unknown }[] = [];
  const hub: EventPublisher = {
    publish: (type, data) => {
      eventSpec(type).schema.parse(data);
      events.push({ type, data });
      return Promise.resolve({} as never);
    },
  };
  /** Takes everything recorded so far. */
  const take = () => events.splice(0);
  /** The payloads of one event type (of everything recorded, or of `list`). */
  const of = <T>(type: string, list = events) =>
    list.filter((e) => e.type === type).map((e) => e.data as T);
  return { hub, events, take, of };
}
