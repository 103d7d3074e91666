/**
 * Client requests and their replies. A request (subscribe, unsubscribe, ack, auth) gets an id,
 * is sent at once when the connection is open or queued in the bounded OutboundQueue otherwise,
 * and its promise settles with the server's reply carrying the same id (`subscribed`, `acked`,
 * `authed`) or rejects with the server's `error`.
 *
 * Across a lost connection: subscribe, unsubscribe and ack are idempotent, so those that were
 * sent but not answered go back to the front of the queue and are sent again after the next
 * welcome. `auth` is tied to the socket it was sent on and fails with CONNECTION_LOST. When the
 * client closes, every request fails with CLIENT_CLOSED.
 */
import {
  encodeFrame,
  type AckedFrame,
  type AckFrame,
  type AuthedFrame,
  type AuthFrame,
  type ErrorFrame,
  type ServerFrame,
  type SubscribedFrame,
  type SubscribeFrame,
  type UnsubscribeFrame,
} from '@hdns/protocol';
import { RealtimeError } from './errors.js';
import type { ClientLogger } from './logger.js';
import { OutboundQueue } from './outbound-queue.js';

export type RequestFrame = SubscribeFrame | UnsubscribeFrame | AckFrame | AuthFrame;

/** The reply frame for each request type. */
export interface ReplyByType {
  subscribe: SubscribedFrame;
  unsubscribe: SubscribedFrame;
  ack: AckedFrame;
  auth: AuthedFrame;
}

type ReplyFrame = SubscribedFrame | AckedFrame | AuthedFrame;

interface Pending {
  frame: RequestFrame;
  sent: boolean;
  resolve(reply: ReplyFrame): void;
  reject(error: RealtimeError): void;
}

/** Distributive Omit, so `Omit<A | B, 'id'>` keeps the union. */
type WithoutId<F> = F extends unknown ? Omit<F, 'id'> : never;

export class Outbox {
  private readonly pending = new Map<string, Pending>();
  private readonly queue: OutboundQueue<RequestFrame>;
  private open = false;
  private n = 0;

  constructor(
    capacity: number,
    logger: ClientLogger,
    /** Writes one frame to the socket; false when it could not. */
    private readonly write: (text: string) => boolean,
  ) {
    this.queue = new OutboundQueue<RequestFrame>(capacity, logger, (frame) =>
      this.fail(
        frame.id,
        new RealtimeError('QUEUE_OVERFLOW', 'dropped from the full offline queue'),
      ),
    );
  }

  /** Frames waiting for a connection. */
  get queued(): number {
    return this.queue.size;
  }

  request<K extends RequestFrame['type']>(
    frame: WithoutId<RequestFrame> & { type: K },
  ): Promise<ReplyByType[K]> {
    const full = { ...frame, id: `c${++this.n}` } as RequestFrame;
    return new Promise<ReplyByType[K]>((resolve, reject) => {
      const entry: Pending = {
        frame: full,
        sent: false,
        resolve: resolve as (reply: ReplyFrame) => void,
        reject,
      };
      this.pending.set(full.id, entry);
      if (this.open && this.write(encodeFrame(full))) entry.sent = true;
      else if (full.type === 'auth') this.fail(full.id, lost());
      else this.queue.push(full);
    });
  }

  /** Settles the request a reply belongs to; false when the frame answers no request. */
  settle(frame: ServerFrame): boolean {
    if (!isReply(frame) || frame.id === undefined) return false;
    const entry = this.pending.get(frame.id);
    if (!entry) return false;
    this.pending.delete(frame.id);
    if (frame.type === 'error') {
      entry.reject(new RealtimeError(frame.code, frame.message, frame.details));
    } else {
      entry.resolve(frame);
    }
    return true;
  }

  /** The connection is open (welcomed): sends everything queued, oldest first. */
  online(): void {
    this.open = true;
    const frames = this.queue.drain();
    for (let i = 0; i < frames.length; i++) {
      const frame = frames[i];
      if (!frame) continue;
      if (!this.write(encodeFrame(frame))) {
        this.open = false;
        this.queue.requeue(frames.slice(i));
        return;
      }
      const entry = this.pending.get(frame.id);
      if (entry) entry.sent = true;
    }
  }

  /** The connection is gone: unanswered idempotent requests are queued again. */
  offline(): void {
    this.open = false;
    const again: RequestFrame[] = [];
    for (const [id, entry] of this.pending) {
      if (!entry.sent) continue;
      if (entry.frame.type === 'auth') this.fail(id, lost());
      else {
        entry.sent = false;
        again.push(entry.frame);
      }
    }
    this.queue.requeue(again);
  }

  /** The client closed: every request fails. */
  close(reason: string): void {
    this.open = false;
    this.queue.drain();
    const error = new RealtimeError('CLIENT_CLOSED', `client closed: ${reason}`, reason);
    for (const id of [...this.pending.keys()]) this.fail(id, error);
  }

  private fail(id: string, error: RealtimeError): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    entry.reject(error);
  }
}

function lost(): RealtimeError {
  return new RealtimeError('CONNECTION_LOST', 'the connection closed before the reply');
}

function isReply(frame: ServerFrame): frame is ReplyFrame | ErrorFrame {
  return (
    frame.type === 'subscribed' ||
    frame.type === 'acked' ||
    frame.type === 'authed' ||
    frame.type === 'error'
  );
}
