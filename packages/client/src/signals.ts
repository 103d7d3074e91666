/** The client's own signals, next to the catalogue events delivered through `on()`. */
import type {
  ErrorFrame,
  GapFrame,
  NoticeFrame,
  Rejected,
  StreamPosition,
  WelcomeFrame,
} from '@hdns/protocol';
import type { ConnectionSnapshot } from './connection-state.js';

export interface SubscriptionResult {
  /** The full effective subscription set (event types). */
  subscriptions: string[];
  rejected: Rejected[];
}

export interface ClientSignals {
  state: ConnectionSnapshot;
  welcome: WelcomeFrame;
  /**
   * The resume failed (another epoch, or older than the server keeps): events may have been
   * missed. Reload state over REST. Fires before the state becomes `open`.
   */
  resync: { reason: string; previous: StreamPosition; position: StreamPosition };
  /** The effective subscription set changed (a reply, or the server narrowed it). */
  subscriptions: SubscriptionResult;
  /** The server could not deliver some events to this client (shed or coalesced). */
  gap: GapFrame;
  notice: NoticeFrame;
  /** A server error that answers no request of this client. */
  error: ErrorFrame;
  token_refreshed: { expiresAt: string };
  token_refresh_failed: { error: unknown };
}
