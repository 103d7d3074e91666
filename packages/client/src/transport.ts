/**
 * The socket seam. Everything the client does with a WebSocket goes through `Transport`, so a
 * leader/follower relay between browser tabs (or a test double) can stand in for a real socket
 * without touching the connection logic. The default implementation wraps any constructor with
 * the browser WebSocket API: `globalThis.WebSocket` in browsers (and Node ≥ 22), or the `ws`
 * package in Node, passed as the `WebSocket` option. No Node imports here.
 */

/** Handler parameter types are checked bivariantly, so DOM and `ws` sockets both fit. */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** The subset of the WebSocket API the client uses. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Handlers are never called synchronously from `open()`; the caller may still be setting up. */
export interface TransportHandlers {
  onOpen(): void;
  /** One frame as the socket delivered it (string, or bytes for binary frames). */
  onMessage(data: unknown): void;
  /** The connection ended; not called after `close()` was called on it. */
  onClose(code: number, reason: string): void;
}

export interface TransportConnection {
  /** Sends one text frame; false when the socket is not open (the frame was not sent). */
  send(text: string): boolean;
  /**
   * Closes and detaches: no handler fires afterwards, so a late close code from an abandoned
   * socket (e.g. SUPERSEDED after a heartbeat timeout) can never reach the client.
   */
  close(code?: number, reason?: string): void;
}

export interface Transport {
  open(url: string, handlers: TransportHandlers): TransportConnection;
}

const OPEN = 1;
/** Normal closure; the only standard code a browser lets a page send besides 3000–4999. */
export const NORMAL_CLOSURE = 1000;
/** Close code reported when the socket failed before or without a close frame. */
export const ABNORMAL_CLOSURE = 1006;

/** Transport over a WebSocket constructor. */
export class WebSocketTransport implements Transport {
  constructor(private readonly WebSocketImpl: WebSocketConstructor) {}

  open(url: string, handlers: TransportHandlers): TransportConnection {
    let socket: WebSocketLike | undefined;
    let active = true;
    try {
      socket = new this.WebSocketImpl(url);
    } catch {
      // An invalid URL throws synchronously; report it like any failed connect, asynchronously
      // so the caller's state is settled first.
      void Promise.resolve().then(() => {
        if (active) handlers.onClose(ABNORMAL_CLOSURE, 'invalid url');
      });
    }
    if (socket) {
      socket.onopen = () => {
        if (active) handlers.onOpen();
      };
      socket.onmessage = (event) => {
        if (active) handlers.onMessage(event.data);
      };
      socket.onclose = (event) => {
        if (!active) return;
        active = false;
        handlers.onClose(event.code, event.reason);
      };
      // Errors are always followed by close; the close carries the information.
      socket.onerror = () => undefined;
    }
    return {
      send(text) {
        if (!active || !socket || socket.readyState !== OPEN) return false;
        socket.send(text);
        return true;
      },
      close(code = NORMAL_CLOSURE, reason = '') {
        active = false;
        if (!socket) return;
        socket.onopen = socket.onmessage = socket.onclose = null;
        try {
          socket.close(code, reason);
        } catch {
          // Closing a socket that is still connecting throws in some implementations; ignore.
        }
      },
    };
  }
}

/** `globalThis.WebSocket` when the platform has one. */
export function globalWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}
