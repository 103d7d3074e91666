/**
 * A tab's requests to the shared connection (subscribe, unsubscribe, ack, reconnect), each
 * settled by the leader's answer. The leader may be this tab, another tab, or nobody yet (a
 * handover in progress): a request waits until there is a leader, and every unanswered request
 * is delivered again to each new leader. That is safe because all of them are idempotent
 * (subscribing twice, acknowledging twice, reconnecting while connecting). When the tab leaves,
 * pending requests fail with CLIENT_CLOSED; past `capacity` the oldest fails with QUEUE_OVERFLOW,
 * like the single client's offline queue.
 */
import { RealtimeError, type RealtimeErrorCode } from '../errors.js';
import type { RequestOp, RequestResult, SerializedError } from './messages.js';

export interface OutgoingRequest {
  reqId: string;
  request: RequestOp;
  /** The tab's items version after this request (see TabRegistry). */
  version: number;
}

interface Pending extends OutgoingRequest {
  resolve(result: RequestResult): void;
  reject(error: RealtimeError): void;
}

export class TabRequests {
  private readonly pending = new Map<string, Pending>();
  private n = 0;

  constructor(
    private readonly prefix: string,
    private readonly capacity: number,
    /** Hands a request to the current leader; a no-op while there is none. */
    private readonly deliver: (request: OutgoingRequest) => void,
  ) {}

  send(request: RequestOp, version: number): Promise<RequestResult> {
    const reqId = `${this.prefix}:${++this.n}`;
    const promise = new Promise<RequestResult>((resolve, reject) => {
      this.pending.set(reqId, { reqId, request, version, resolve, reject });
    });
    if (this.pending.size > this.capacity) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) {
        this.fail(oldest, {
          code: 'QUEUE_OVERFLOW',
          message: 'too many requests wait for a leader',
        });
      }
    }
    if (this.pending.has(reqId)) this.deliver({ reqId, request, version });
    return promise;
  }

  /** A new leader: every unanswered request goes to it, oldest first. */
  redeliver(): void {
    for (const p of [...this.pending.values()]) {
      if (this.pending.has(p.reqId)) this.deliver(p);
    }
  }

  settle(
    reqId: string,
    result: RequestResult | undefined,
    error: SerializedError | undefined,
  ): void {
    const p = this.pending.get(reqId);
    if (!p) return; // answered already (a request delivered to two leaders)
    this.pending.delete(reqId);
    if (error) p.reject(deserializeError(error));
    else p.resolve(result ?? {});
  }

  fail(reqId: string, error: SerializedError): void {
    this.settle(reqId, undefined, error);
  }

  closeAll(reason: string): void {
    for (const reqId of [...this.pending.keys()]) {
      this.fail(reqId, {
        code: 'CLIENT_CLOSED',
        message: `client closed (${reason})`,
        details: reason,
      });
    }
  }

  get size(): number {
    return this.pending.size;
  }
}

/** Errors cross the channel as plain data; RealtimeError keeps its code. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof RealtimeError) {
    return {
      code: err.code,
      message: err.message,
      ...(err.details !== undefined ? { details: err.details } : {}),
    };
  }
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

export function deserializeError(e: SerializedError): RealtimeError {
  // The code came from a RealtimeError in another tab of the same app version.
  return new RealtimeError(e.code as RealtimeErrorCode, e.message, e.details);
}
