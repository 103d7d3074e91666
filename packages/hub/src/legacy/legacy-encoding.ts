import { type EventFrame } from '@hdns/protocol';
import { toLegacyEvent, type LegacyGeneration } from '@hdns/protocol/legacy';
import type { EventEncoder, WireFormat } from '../encoded-event.js';
import type { LoggedEvent } from '../event-log/event-log.js';
import type { QueueFraming } from '../outbound-queue.js';

/** The hub's wire format of each legacy generation. */
export const LEGACY_WIRE_FORMAT = {
  1: 'legacy1',
  2: 'legacy2',
} as const satisfies Record<LegacyGeneration, WireFormat>;

/** The (already redacted) event as the v1 frame `toLegacyEvent` projects from. */
function eventFrameOf(event: LoggedEvent, data: unknown, redacted: string[]): EventFrame {
  return {
    type: 'event',
    ...event,
    data,
    meta: redacted.length ? { ...event.meta, redacted } : event.meta,
  } as EventFrame;
}

/** Generation 1: `{type, data, timestamp}`. The redaction marker has no place in this shape. */
export const legacy1EventEncoder: EventEncoder = (event, data, redacted) =>
  JSON.stringify(toLegacyEvent(eventFrameOf(event, data, redacted), 1));

/**
 * Generation 2: `{id, type, data, timestamp, priority, metadata}`; `metadata` carries seq,
 * category, zone, source and the list of redacted fields.
 */
export const legacy2EventEncoder: EventEncoder = (event, data, redacted) =>
  JSON.stringify(toLegacyEvent(eventFrameOf(event, data, redacted), 2));

/**
 * Legacy peers have no batch or gap frame: a "batch" is written as one frame per event, each
 * the Buffer shared by every session of the same (wire, redaction variant), never copied.
 * Lost ranges cannot be reported (legacy clients do not resume anyway).
 */
export const legacyFraming: QueueFraming = {
  batch(events) {
    return [...events];
  },
  gap() {
    return undefined;
  },
};
