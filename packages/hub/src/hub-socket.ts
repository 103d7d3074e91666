/**
 * The part of a `ws` WebSocket the hub uses. Tests and the app pass real `ws` sockets; the
 * interface only documents the surface and keeps the hub free of a hard type dependency.
 */
export interface HubSocket {
  readonly readyState: number;
  /** The negotiated extensions (`ws`: e.g. "permessage-deflate; server_no_context_takeover"). */
  readonly extensions?: string;
  /**
   * Frames are JSON text: callers pass `{ binary: false }` so Buffers go out as text frames;
   * `compress: false` sends a frame plain even when permessage-deflate was negotiated.
   */
  send(
    data: Buffer | string,
    options: { binary: boolean; compress?: boolean },
    cb?: (err?: Error) => void,
  ): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(
    event: 'message',
    listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void,
  ): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
}

export const SOCKET_OPEN = 1;
