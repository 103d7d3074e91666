import { CloseCode } from '@hdns/protocol';
import { describe, expect, it } from 'vitest';
import {
  INITIAL_SNAPSHOT,
  transition,
  type ConnectionEvent,
  type ConnectionSnapshot,
  type ConnectionStateName,
} from './connection-state.js';

const at = 1_000;
const lost = (code?: number, reason?: string): ConnectionEvent => ({
  type: 'lost',
  at,
  retryInMs: 250,
  ...(code !== undefined ? { code } : {}),
  ...(reason !== undefined ? { reason } : {}),
});
const s = (state: ConnectionStateName, attempt = 0, reason = 'x'): ConnectionSnapshot => ({
  state,
  reason,
  attempt,
});

/** The whole table: [from, event, expected]; `null` means "ignored" (same object back). */
const TABLE: [ConnectionSnapshot, ConnectionEvent, Partial<ConnectionSnapshot> | null][] = [
  [s('idle'), { type: 'connect' }, { state: 'connecting', reason: 'connect', attempt: 0 }],
  [s('idle'), { type: 'reconnect' }, { state: 'connecting', reason: 'reconnect' }],
  [s('idle'), { type: 'disconnect' }, { state: 'closed', reason: 'client_disconnect' }],
  [s('idle'), { type: 'welcome' }, null],
  [s('idle'), lost(1006), null],
  [s('idle'), { type: 'retry' }, null],
  [s('idle'), { type: 'online' }, null],
  [s('idle'), { type: 'offline' }, null],

  [s('connecting'), { type: 'welcome' }, { state: 'open', reason: 'welcome', attempt: 0 }],
  [s('connecting', 3), { type: 'welcome' }, { state: 'open', attempt: 0 }],
  [
    s('connecting', 2),
    lost(1006),
    {
      state: 'reconnecting',
      reason: 'connection_closed',
      attempt: 3,
      nextRetryAt: 1250,
      code: 1006,
    },
  ],
  [
    s('connecting'),
    lost(CloseCode.AUTH_FAILED),
    { state: 'closed', reason: 'auth_failed', code: CloseCode.AUTH_FAILED },
  ],
  [
    s('connecting'),
    lost(undefined, 'connect_timeout'),
    { state: 'reconnecting', reason: 'connect_timeout', attempt: 1 },
  ],
  [s('connecting'), { type: 'connect' }, null],
  [
    s('connecting', 2),
    { type: 'reconnect' },
    { state: 'connecting', reason: 'reconnect', attempt: 0 },
  ],
  [s('connecting'), { type: 'disconnect' }, { state: 'closed', reason: 'client_disconnect' }],
  [s('connecting'), { type: 'offline' }, { state: 'reconnecting', reason: 'offline', attempt: 0 }],
  [s('connecting'), { type: 'online' }, null],
  [s('connecting'), { type: 'retry' }, null],

  [
    s('open'),
    lost(CloseCode.SERVER_RESTARTING),
    { state: 'reconnecting', reason: 'server_restarting', attempt: 1, code: 4200 },
  ],
  [s('open'), lost(CloseCode.TOKEN_EXPIRED), { state: 'reconnecting', reason: 'token_expired' }],
  [s('open'), lost(CloseCode.SLOW_CONSUMER), { state: 'reconnecting', reason: 'slow_consumer' }],
  [s('open'), lost(1000), { state: 'reconnecting', reason: 'connection_closed' }],
  [s('open'), lost(CloseCode.SUPERSEDED), { state: 'closed', reason: 'superseded', code: 4409 }],
  [s('open'), lost(CloseCode.KICKED), { state: 'closed', reason: 'kicked' }],
  [s('open'), lost(CloseCode.FORBIDDEN), { state: 'closed', reason: 'forbidden' }],
  [s('open'), lost(4499), { state: 'closed', reason: 'connection_closed', code: 4499 }],
  [
    s('open'),
    lost(CloseCode.FRAME_TOO_LARGE),
    { state: 'closed', reason: 'frame_too_large', code: 4413 },
  ],
  // The transport's own "message too big" means the same: no reconnect that would resend it.
  [s('open'), lost(1009), { state: 'closed', reason: 'frame_too_large', code: 1009 }],
  [
    s('open'),
    lost(undefined, 'heartbeat_timeout'),
    { state: 'reconnecting', reason: 'heartbeat_timeout' },
  ],
  [s('open'), { type: 'reconnect' }, { state: 'connecting', reason: 'reconnect' }],
  [s('open'), { type: 'disconnect' }, { state: 'closed', reason: 'client_disconnect' }],
  [s('open'), { type: 'offline' }, { state: 'reconnecting', reason: 'offline' }],
  [s('open'), { type: 'connect' }, null],
  [s('open'), { type: 'welcome' }, null],
  [s('open'), { type: 'online' }, null],

  [s('reconnecting', 4), { type: 'retry' }, { state: 'connecting', reason: 'retry', attempt: 4 }],
  [s('reconnecting', 4), { type: 'connect' }, { state: 'connecting', attempt: 4 }],
  [s('reconnecting', 4), { type: 'reconnect' }, { state: 'connecting', attempt: 0 }],
  [s('reconnecting', 4), { type: 'online' }, { state: 'connecting', reason: 'online', attempt: 0 }],
  [
    s('reconnecting', 4),
    { type: 'offline' },
    { state: 'reconnecting', reason: 'offline', attempt: 0 },
  ],
  [s('reconnecting'), { type: 'disconnect' }, { state: 'closed', reason: 'client_disconnect' }],
  [s('reconnecting'), { type: 'welcome' }, null],
  [s('reconnecting'), lost(1006), null],

  [s('closed'), { type: 'connect' }, { state: 'connecting', reason: 'connect', attempt: 0 }],
  [s('closed'), { type: 'reconnect' }, { state: 'connecting', reason: 'reconnect' }],
  [s('closed'), { type: 'disconnect' }, null],
  [s('closed'), { type: 'retry' }, null],
  [s('closed'), { type: 'online' }, null],
  [s('closed'), { type: 'offline' }, null],
  [s('closed'), lost(1006), null],
];

describe('connection state machine', () => {
  const named = TABLE.map(([from, event, expected]) => {
    const cause = event.type === 'lost' ? `(${event.code ?? event.reason})` : '';
    const to = expected ? `${expected.state ?? from.state}` : 'ignored';
    return [
      `${from.state}#${from.attempt} + ${event.type}${cause} → ${to}`,
      from,
      event,
      expected,
    ] as const;
  });

  it.each(named)('%s', (_name, from, event, expected) => {
    const next = transition(from, event);
    if (expected === null) expect(next).toBe(from);
    else expect(next).toMatchObject(expected);
  });

  it('starts idle', () => {
    expect(INITIAL_SNAPSHOT).toEqual({ state: 'idle', reason: 'init', attempt: 0 });
  });

  it('gives up after maxAttempts retries with reason max_attempts', () => {
    const policy = { maxAttempts: 2 };
    let snap = transition(INITIAL_SNAPSHOT, { type: 'connect' }, policy);
    const seen: string[] = [];
    for (let i = 0; i < 5 && snap.state !== 'closed'; i++) {
      snap = transition(snap, lost(1006), policy);
      seen.push(`${snap.state}:${snap.attempt}`);
      snap = transition(snap, { type: 'retry' }, policy);
    }
    expect(seen).toEqual(['reconnecting:1', 'reconnecting:2', 'closed:2']);
    expect(snap).toMatchObject({ state: 'closed', reason: 'max_attempts' });
    // reconnect() starts again from attempt 0
    expect(transition(snap, { type: 'reconnect' }, policy)).toMatchObject({
      state: 'connecting',
      attempt: 0,
    });
  });

  it('a welcome resets the attempt count, so max_attempts counts consecutive failures', () => {
    const policy = { maxAttempts: 1 };
    let snap = transition(s('connecting'), lost(1006), policy);
    snap = transition(snap, { type: 'retry' }, policy);
    snap = transition(snap, { type: 'welcome' }, policy);
    expect(transition(snap, lost(1006), policy)).toMatchObject({ state: 'reconnecting' });
  });
});
