/**
 * The messages tabs exchange over the shared BroadcastChannel. Every message names its sender
 * (`from`, a tab id); messages meant for one tab name it in `to` and the others ignore them.
 *
 * Stream messages (`stream`, `state`, `signal`) come from the leader and carry its id as the
 * `term`: a follower only accepts them from the leader it currently follows, so a late message
 * of a leader that already resigned can never be delivered after the new leader's replay.
 * Everything here is plain data (structured-clone safe).
 */
import type {
  BatchFrame,
  ErrorFrame,
  EventFrame,
  GapFrame,
  NoticeFrame,
  StreamPosition,
  WelcomeFrame,
} from '@hdns/protocol';
import type { ConnectionSnapshot } from '../connection-state.js';
import type { SubscriptionResult } from '../signals.js';

/** What a tab wants from the shared connection; null: whatever the connection carries. */
export type TabItems = readonly string[] | null;

/** A tab's liveness and interest, sent every heartbeat and in answer to a `claim`. */
export interface TabReport {
  /** null: the server's per-role default (no filter in this tab). */
  items: TabItems;
  /** Bumped on every change of `items`; an older report never overwrites a newer one. */
  version: number;
  /** The tab's own position in the stream (what it has delivered). */
  position?: StreamPosition;
  leader: boolean;
}

/** One server frame as the leader's socket delivered it, relayed to every tab. */
export type StreamItem =
  | {
      kind: 'welcome';
      frame: WelcomeFrame;
      /** The resume position the hello on this socket carried (what the server replays after). */
      requested?: StreamPosition;
    }
  /** `epoch` is the stream's (from the socket's welcome), so a tab that joined late can start. */
  | { kind: 'batch'; epoch: string; frame: BatchFrame }
  | { kind: 'event'; epoch: string; frame: EventFrame };

/** Signals relayed as they are; the rest (welcome, resync) each tab derives from the stream. */
export interface RelayedSignals {
  subscriptions: SubscriptionResult;
  gap: GapFrame;
  notice: NoticeFrame;
  error: ErrorFrame;
  token_refreshed: { expiresAt: string };
  token_refresh_failed: { error: unknown };
}

export type RelayedSignal = {
  [K in keyof RelayedSignals]: { name: K; payload: RelayedSignals[K] };
}[keyof RelayedSignals];

export type RequestOp =
  | { op: 'subscribe'; items: string[] }
  | { op: 'unsubscribe'; items: string[] }
  | { op: 'ack'; upToSeq?: number; ids?: string[] }
  | { op: 'reconnect' };

export type RequestResult = SubscriptionResult | { count: number } | Record<string, never>;

export interface SerializedError {
  code: string;
  message: string;
  details?: unknown;
}

export type TabMessage =
  | ({ type: 'hb'; from: string } & TabReport)
  | ({ type: 'report'; from: string; to: string } & TabReport)
  | { type: 'bye'; from: string }
  | { type: 'claim'; from: string }
  | { type: 'stream'; from: string; item: StreamItem }
  | { type: 'state'; from: string; to?: string; snapshot: ConnectionSnapshot }
  | { type: 'signal'; from: string; signal: RelayedSignal }
  | {
      type: 'request';
      from: string;
      to: string;
      reqId: string;
      version: number;
      request: RequestOp;
    }
  | {
      type: 'reply';
      from: string;
      to: string;
      reqId: string;
      result?: RequestResult;
      error?: SerializedError;
    };

const TYPES = new Set([
  'hb',
  'report',
  'bye',
  'claim',
  'stream',
  'state',
  'signal',
  'request',
  'reply',
]);

/** A cheap shape check: the channel is shared with every script of the origin. */
export function isTabMessage(value: unknown): value is TabMessage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { type?: unknown; from?: unknown };
  return typeof v.type === 'string' && TYPES.has(v.type) && typeof v.from === 'string';
}
