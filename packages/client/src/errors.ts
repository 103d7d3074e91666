import type { ErrorCode } from '@hdns/protocol';

/**
 * Why a client request (subscribe, unsubscribe, ack, auth) failed:
 * - a server `error` code from the protocol catalogue, when the server refused the frame;
 * - `CLIENT_CLOSED`: the client reached state `closed` (disconnect(), a terminal close code,
 *   or max_attempts) before the reply came;
 * - `QUEUE_OVERFLOW`: the frame was queued while offline and dropped as the oldest when the
 *   offline queue was full;
 * - `CONNECTION_LOST`: a frame that is not replayed after a reconnect (auth) lost its socket.
 */
export type RealtimeErrorCode = ErrorCode | 'CLIENT_CLOSED' | 'QUEUE_OVERFLOW' | 'CONNECTION_LOST';

export class RealtimeError extends Error {
  constructor(
    readonly code: RealtimeErrorCode,
    message: string,
    /** The server's `details` for server errors, or the close reason for CLIENT_CLOSED. */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'RealtimeError';
  }
}
