import type { EventEncoder, WireFormat } from './encoded-event.js';
import type { LoggedEvent } from './event-log/event-log.js';
import type { QueueFraming } from './outbound-queue.js';

/**
 * The part of a wire (see `Wire`) a session itself calls: its format and framing, the frame
 * handler, and the close code translation. Generic in the session type so that this file, and
 * with it `session.ts`, need not import the session: the full `Wire` names `Session`, and a
 * session naming `Wire` back would be an import cycle.
 */
export interface SessionWire<S> {
  readonly format: WireFormat;
  /** Encodes one (already redacted) event as this wire's event frame. */
  readonly encode: EventEncoder;
  readonly framing: QueueFraming;
  onMessage(session: S, raw: Buffer, isBinary: boolean): void;
  /**
   * Optional: the close code and reason this wire's peers expect for a hub close code (legacy
   * peers know other numbers). The session keeps the hub code for its state and metrics.
   */
  closeCodeFor?(code: number, reason: string): { code: number; reason: string };
  /**
   * Optional: a wire's own narrowing of what its peers receive, checked after the role, zone and
   * audience rules (it can only withhold, never add). Legacy wires send `session_expired` only
   * about the session's own user, since the old clients log out on any.
   */
  accepts?(session: S, event: LoggedEvent): boolean;
}
