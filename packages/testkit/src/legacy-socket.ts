import WebSocket from 'ws';
import { waitFor } from './wait.js';

/** One message as a legacy server sends it: `type`, usually `data` and `timestamp`. */
export interface LegacyMessage {
  type: string;
  data?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * A plain WebSocket that records every legacy message and its close, for tests that speak as the
 * previous system's frontends did (they use neither the v1 client nor its frames). `opened`
 * resolves true on 101 and false on an HTTP refusal (`status` then holds the code), and rejects
 * when the connection fails without an HTTP response (refused, reset), so a test fails at once
 * instead of at its timeout.
 */
export class LegacySocket {
  readonly messages: LegacyMessage[] = [];
  /** Messages that are not JSON, in order. */
  readonly texts: string[] = [];
  closed: { code: number; reason: string } | undefined;
  status: number | undefined;
  readonly opened: Promise<boolean>;
  private readonly ws: WebSocket;
  private readonly queue: string[] = [];

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.ws.on('message', (d: Buffer) => {
      const text = d.toString();
      // The one non-JSON message a legacy route sends: the bare text `pong` (generation 1).
      if (text.startsWith('{')) this.messages.push(JSON.parse(text) as LegacyMessage);
      else this.texts.push(text);
    });
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
    this.opened = new Promise<boolean>((resolve, reject) => {
      this.ws.once('open', () => {
        for (const text of this.queue.splice(0)) this.ws.send(text);
        resolve(true);
      });
      this.ws.once('unexpected-response', (_req, res) => {
        this.status = res.statusCode;
        resolve(false);
        res.resume();
        this.ws.terminate();
      });
      // After the open (or the refusal) these settle nothing: the promise is settled already.
      this.ws.on('error', reject);
      this.ws.once('close', () => reject(new Error(`${url}: closed before it opened`)));
    });
    // A test that never awaits `opened` must not see an unhandled rejection.
    this.opened.catch(() => undefined);
  }

  /**
   * Sends `message` as JSON text, exactly as given. Before the socket is open it is queued and
   * sent on open, in order, as the old clients' message queues did.
   */
  send(message: object): void {
    const text = JSON.stringify(message);
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
    else this.queue.push(text);
  }

  /** The `nth` (0-based) message of `type`, received already or within the timeout. */
  next(type: string, nth = 0): Promise<LegacyMessage> {
    return waitFor(
      () => this.messages.filter((m) => m.type === type)[nth],
      10_000,
      `legacy ${type}`,
    );
  }

  /** Resolves with the close once the socket closed. */
  waitClosed(): Promise<{ code: number; reason: string }> {
    return waitFor(() => this.closed, 10_000, 'legacy close');
  }

  close(): void {
    this.ws.close();
  }
}
