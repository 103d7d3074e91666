import type { EventEncoder, WireFormat } from './encoded-event.js';
import type { QueueFraming } from './outbound-queue.js';
import type { Session } from './session.js';

/**
 * A protocol generation at the edge: how frames from the peer become session operations and how
 * hub notifications become frames. v1 and the two legacy generations each implement it.
 */
export interface Wire {
  readonly format: WireFormat;
  /** Encodes one (already redacted) event as this wire's event frame. */
  readonly encode: EventEncoder;
  readonly framing: QueueFraming;
  onMessage(session: Session, raw: Buffer, isBinary: boolean): void;
  heartbeat(session: Session): void;
  tokenExpiring(session: Session): void;
  /** Frames telling the peer the token was refreshed; v1 only. */
  notice(session: Session, level: 'info' | 'warning', code: string, message: string): void;
  /**
   * Optional: the close code and reason this wire's peers expect for a hub close code (legacy
   * peers know other numbers). The session keeps the hub code for its state and metrics.
   */
  closeCodeFor?(code: number, reason: string): { code: number; reason: string };
}
