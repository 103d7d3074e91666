import type { ConnectionSnapshot } from './connection-state.js';
import { RealtimeError } from './errors.js';

/**
 * Resolves when the state is `open`; rejects if it becomes `closed` or after `timeoutMs`.
 * Shared by RealtimeClient and SharedRealtimeClient, which differ only in where state lives.
 */
export function waitForOpen(
  current: ConnectionSnapshot,
  onState: (handler: (s: ConnectionSnapshot) => void) => () => void,
  timeoutMs: number,
): Promise<void> {
  if (current.state === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = Number.isFinite(timeoutMs)
      ? setTimeout(() => done(new Error(`not open after ${timeoutMs} ms`)), timeoutMs)
      : undefined;
    const off = onState((s) => {
      if (s.state === 'open') done();
      else if (s.state === 'closed') done(new RealtimeError('CLIENT_CLOSED', s.reason, s));
    });
    const done = (err?: Error): void => {
      clearTimeout(timer);
      off();
      if (err) reject(err);
      else resolve();
    };
  });
}
