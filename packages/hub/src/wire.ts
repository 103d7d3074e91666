import type { EventType } from '@hdns/protocol';
import type { Session } from './session.js';
import type { SessionWire } from './session-wire.js';

/**
 * A protocol generation at the edge: how frames from the peer become session operations and how
 * hub notifications become frames. v1 and the two legacy generations each implement it.
 */
export interface Wire extends SessionWire<Session> {
  heartbeat(session: Session): void;
  tokenExpiring(session: Session): void;
  /** Frames telling the peer the token was refreshed; v1 only. */
  notice(session: Session, level: 'info' | 'warning', code: string, message: string): void;
  /**
   * The server dropped `removed` from the session's subscriptions (its role narrowed); optional:
   * a wire whose peers have no such message says nothing.
   */
  subscriptionsNarrowed?(session: Session, removed: readonly EventType[]): void;
}
