/**
 * The connection state machine, modelled on centrifuge-js: every state change goes through
 * `transition()`, a pure, table-driven function, so the whole lifecycle can be read (and tested)
 * in one table. Side effects (sockets, timers) live in Connection, which feeds events in and acts
 * on the snapshot that comes out.
 *
 *   idle ──connect──► connecting ──welcome──► open
 *                        ▲  │                  │
 *          retry/online  │  └──lost────┐       │ lost (reconnect-class code, network error)
 *                        │             ▼       ▼
 *                     reconnecting ◄───────────┘
 *   any ──disconnect / terminal code / max_attempts──► closed ──connect/reconnect──► connecting
 */
import { closeCodeName, isTerminalCloseCode, TransportCloseCode } from '@hdns/protocol';

export type ConnectionStateName = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The typed `state` event: what the client is doing and why. */
export interface ConnectionSnapshot {
  state: ConnectionStateName;
  /**
   * Why the state was entered: `connect`, `welcome`, `retry`, `online`, `reconnect`, `offline`,
   * `client_disconnect`, `max_attempts`, or the cause of a lost connection: a close code's name
   * in lower case (`server_restarting`, `superseded`, `auth_failed` …), `connection_closed` for
   * other codes, `heartbeat_timeout`, `connect_timeout`, `token_error`.
   */
  reason: string;
  /** Retry number: 0 for the first connect and while open; n for the n-th retry. */
  attempt: number;
  /** Epoch ms of the scheduled retry (state reconnecting, unless waiting for `online`). */
  nextRetryAt?: number;
  /** The WebSocket close code when the state change was caused by a close. */
  code?: number;
}

export type ConnectionEvent =
  /** User called connect(). */
  | { type: 'connect' }
  /** User called reconnect(): start over now, with a fresh attempt count. */
  | { type: 'reconnect' }
  /** User called disconnect(). */
  | { type: 'disconnect' }
  /** The server accepted the hello. */
  | { type: 'welcome' }
  /**
   * The socket closed or was abandoned. `retryInMs` is the backoff delay the caller drew for
   * the next attempt (attempt + 1); `at` is the current time.
   */
  | { type: 'lost'; reason?: string; code?: number; at: number; retryInMs: number }
  /** The backoff timer fired. */
  | { type: 'retry' }
  /** Browser network went away / came back. */
  | { type: 'offline' }
  | { type: 'online' };

export interface TransitionPolicy {
  maxAttempts: number;
}

export const INITIAL_SNAPSHOT: ConnectionSnapshot = { state: 'idle', reason: 'init', attempt: 0 };

type Rule<E extends ConnectionEvent = ConnectionEvent> = (
  from: ConnectionSnapshot,
  event: E,
  policy: TransitionPolicy,
) => ConnectionSnapshot;

type Rules = { [K in ConnectionEvent['type']]?: Rule<Extract<ConnectionEvent, { type: K }>> };

const connectNow =
  (reason: string, keepAttempt = false): Rule =>
  (from) => ({ state: 'connecting', reason, attempt: keepAttempt ? from.attempt : 0 });

const disconnect: Rule = () => ({ state: 'closed', reason: 'client_disconnect', attempt: 0 });
const offline: Rule = () => ({ state: 'reconnecting', reason: 'offline', attempt: 0 });

/** Terminal close codes end the client; anything else schedules a retry until max_attempts. */
const lost: Rule<Extract<ConnectionEvent, { type: 'lost' }>> = (from, event, policy) => {
  const code = event.code;
  const reason = event.reason ?? (code !== undefined ? closeReason(code) : 'connection_closed');
  const withCode = code !== undefined ? { code } : {};
  if (code !== undefined && isTerminalCloseCode(code)) {
    return { state: 'closed', reason, attempt: from.attempt, ...withCode };
  }
  const attempt = from.attempt + 1;
  if (attempt > policy.maxAttempts) {
    return { state: 'closed', reason: 'max_attempts', attempt: from.attempt, ...withCode };
  }
  return {
    state: 'reconnecting',
    reason,
    attempt,
    nextRetryAt: event.at + event.retryInMs,
    ...withCode,
  };
};

/** The table: state → event → rule. A missing entry means the event is ignored in that state. */
const TABLE: Readonly<Record<ConnectionStateName, Rules>> = {
  idle: {
    connect: connectNow('connect'),
    reconnect: connectNow('reconnect'),
    disconnect,
  },
  connecting: {
    welcome: () => ({ state: 'open', reason: 'welcome', attempt: 0 }),
    lost,
    reconnect: connectNow('reconnect'),
    disconnect,
    offline,
  },
  open: {
    lost,
    reconnect: connectNow('reconnect'),
    disconnect,
    offline,
  },
  reconnecting: {
    retry: connectNow('retry', true),
    // connect() while waiting means "now", but keeps counting toward max_attempts.
    connect: connectNow('connect', true),
    reconnect: connectNow('reconnect'),
    online: connectNow('online'),
    offline,
    disconnect,
  },
  closed: {
    connect: connectNow('connect'),
    reconnect: connectNow('reconnect'),
  },
};

/**
 * The one transition function. Returns the next snapshot, or `from` itself (the same object)
 * when the event does not apply in the current state, so callers can test `next === from`.
 */
export function transition(
  from: ConnectionSnapshot,
  event: ConnectionEvent,
  policy: TransitionPolicy = { maxAttempts: Infinity },
): ConnectionSnapshot {
  const rule = TABLE[from.state][event.type] as Rule | undefined;
  return rule ? rule(from, event, policy) : from;
}

/**
 * `server_restarting`, `superseded` … for documented codes; `connection_closed` otherwise. The
 * transport's 1009 (a frame over its limit) means what FRAME_TOO_LARGE means, and is terminal
 * like it (isTerminalCloseCode): reconnecting would resend the same frame for ever.
 */
export function closeReason(code: number): string {
  if (code === TransportCloseCode.MESSAGE_TOO_BIG) return 'frame_too_large';
  return closeCodeName(code)?.toLowerCase() ?? 'connection_closed';
}
