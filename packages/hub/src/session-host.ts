import type { EventType } from '@hdns/protocol';
import type { DeflateBudget } from './deflate-budget.js';
import type { EncodedEvent } from './encoded-event.js';
import type { HubMetrics } from './hub-metrics.js';
import type { Clocked, SessionClock } from './session-clock.js';

/**
 * What a session needs from the hub. Keeps the dependency one-way: sessions call this small
 * surface, the hub implements it, and tests of a session can supply their own. Generic in the
 * session type (`Session` passes itself) so that this file does not import the session back.
 */
export interface SessionHost<Session extends Clocked> {
  readonly metrics: HubMetrics;
  /** Places for sockets that compress (absent: compression is `ws`'s alone to decide). */
  readonly deflate: DeflateBudget | undefined;
  /** Heartbeat sweep and token deadlines, shared by every session. */
  readonly clock: SessionClock<Session>;
  /** Newest seq dispatched to every session (the `through` of an idle session). */
  position(): number;
  /** Head and resume horizon of the log; with `types`, the horizon for readers of those only. */
  logPosition(
    types?: readonly EventType[],
  ): Promise<{ epoch: string; seq: number; oldest: number }>;
  /** Events after `afterSeq` up to `head` that the session subscribes to, encoded, ascending. */
  readReplay(
    session: Session,
    afterSeq: number,
    head: number,
    limit: number,
  ): Promise<EncodedEvent[]>;
  countReplay(session: Session, afterSeq: number, head: number): Promise<number>;
  /**
   * Registers an authenticated session; false when it is refused (the user was disconnected or
   * revoked after their identity was verified): the session is then closed already.
   */
  register(session: Session): boolean;
  /** `types` is sorted and never mutated afterwards (the session replaces it instead). */
  subscriptionsChanged(session: Session, types: readonly EventType[]): void;
  heartbeat(session: Session): void;
  tokenExpiring(session: Session): void;
  tokenExpired(session: Session): void;
  closed(session: Session): void;
}
