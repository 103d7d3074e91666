import {
  encodeFrame,
  projectEvent,
  redactionVariant,
  coalesceKeyOf,
  type EventFrame,
  type Role,
} from '@hdns/protocol';
import type { LoggedEvent } from './event-log/event-log.js';

/** How a session's peer expects events: protocol v1, or one of the legacy shapes. */
export type WireFormat = 'v1' | 'legacy1' | 'legacy2';

/** Turns a redacted event into the bytes of one frame for a wire format. */
export type EventEncoder = (event: LoggedEvent, data: unknown, redacted: string[]) => string;

export const v1EventEncoder: EventEncoder = (event, data, redacted) => {
  const frame: EventFrame = {
    type: 'event',
    ...event,
    data,
    meta: redacted.length ? { ...event.meta, redacted } : event.meta,
  } as EventFrame;
  return encodeFrame(frame);
};

/**
 * One published event on its way to many sessions. The projection for a (wire, redaction
 * variant) pair is encoded the first time a session of that variant needs it and the same Buffer
 * is shared by every other session of the variant: no per-socket JSON.stringify.
 */
export class EncodedEvent {
  readonly coalesceKey: string | undefined;
  private readonly cache = new Map<string, Buffer>();
  private lastRole: Role | undefined;
  private lastFormat: WireFormat | undefined;
  private lastBytes: Buffer | undefined;

  constructor(
    readonly event: LoggedEvent,
    /** performance.now() at publish, for the publish-to-write latency histogram. */
    readonly publishedAt: number = performance.now(),
    private readonly onEncode?: () => void,
  ) {
    this.coalesceKey = coalesceKeyOf(event.event, event.data);
  }

  get seq(): number {
    return this.event.seq;
  }

  /** The shared bytes of this event for a reader of `role` on a wire of `format`. */
  bytesFor(role: Role, format: WireFormat, encode: EventEncoder): Buffer {
    // Fast path: consecutive sessions mostly share role and wire.
    if (role === this.lastRole && format === this.lastFormat && this.lastBytes)
      return this.lastBytes;
    const hasActor = this.event.meta.actor !== null && this.event.meta.actor !== undefined;
    const key = `${format}|${redactionVariant(this.event.event, role, hasActor)}`;
    let bytes = this.cache.get(key);
    if (!bytes) {
      // Data and meta (the actor's username) projected for the role; see projectEvent.
      const { data, meta, redacted } = projectEvent(
        this.event.event,
        this.event.data,
        this.event.meta,
        role,
      );
      const event = meta === this.event.meta ? this.event : { ...this.event, meta };
      bytes = Buffer.from(encode(event, data, redacted));
      this.cache.set(key, bytes);
      this.onEncode?.();
    }
    this.lastRole = role;
    this.lastFormat = format;
    this.lastBytes = bytes;
    return bytes;
  }
}
