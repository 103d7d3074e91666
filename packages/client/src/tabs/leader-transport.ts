/**
 * The leader's socket: the page's real Transport with two additions, made at the Transport seam
 * so the connection logic stays untouched.
 *
 * - The first frame on each socket (the hello) gets its `resume` from the shared stream
 *   (`resumeFrom()`), not from the inner client's own bookkeeping: a tab that just took over
 *   resumes where the slowest live tab stands, so no tab misses what was published while no
 *   tab was connected.
 * - Every welcome, batch and event frame is handed to `item()` before the client sees it, with
 *   the resume position the hello carried and the stream's epoch. These are relayed to all tabs
 *   as the server sent them (`through` included), so each tab keeps its own position.
 */
import { parseServerFrame, type StreamPosition } from '@hdns/protocol';
import type {
  Transport,
  TransportConnection,
  TransportHandlers,
  WebSocketConstructor,
  WebSocketLike,
} from '../transport.js';
import type { StreamItem } from './messages.js';

export interface LeaderTap {
  /** The position the next hello resumes from; undefined: start at the server's head. */
  resumeFrom(): StreamPosition | undefined;
  /** A relayable frame that arrived on the current socket, before the client handles it. */
  item(item: StreamItem): void;
}

export class LeaderTransport implements Transport {
  constructor(
    private readonly base: Transport,
    private readonly tap: LeaderTap,
  ) {}

  open(url: string, handlers: TransportHandlers): TransportConnection {
    let helloSeen = false;
    let requested: StreamPosition | undefined;
    let epoch: string | undefined;
    const inspect = (data: unknown): void => {
      const parsed = parseServerFrame(data);
      if (!parsed.ok) return; // the client logs it
      const frame = parsed.frame;
      if (frame.type === 'welcome') {
        epoch = frame.position.epoch;
        this.tap.item({ kind: 'welcome', frame, ...(requested ? { requested } : {}) });
      } else if (epoch !== undefined && frame.type === 'batch') {
        this.tap.item({ kind: 'batch', epoch, frame });
      } else if (epoch !== undefined && frame.type === 'event') {
        this.tap.item({ kind: 'event', epoch, frame });
      }
    };
    const conn = this.base.open(url, {
      onOpen: () => handlers.onOpen(),
      onMessage: (data) => {
        inspect(data);
        handlers.onMessage(data);
      },
      onClose: (code, reason) => handlers.onClose(code, reason),
    });
    return {
      send: (text) => {
        if (helloSeen) return conn.send(text);
        helloSeen = true;
        const rewritten = this.rewriteHello(text);
        requested = rewritten.requested;
        return conn.send(rewritten.text);
      },
      close: (code, reason) => conn.close(code, reason),
    };
  }

  private rewriteHello(text: string): { text: string; requested?: StreamPosition } {
    let hello: unknown;
    try {
      hello = JSON.parse(text);
    } catch {
      return { text };
    }
    if (
      typeof hello !== 'object' ||
      hello === null ||
      (hello as { type?: unknown }).type !== 'hello'
    )
      return { text };
    const { resume: _own, ...rest } = hello as { resume?: unknown };
    const resume = this.tap.resumeFrom();
    return resume
      ? { text: JSON.stringify({ ...rest, resume }), requested: resume }
      : { text: JSON.stringify(rest) };
  }
}

/**
 * Wraps a WebSocket constructor so binary frames arrive as ArrayBuffer instead of the browser's
 * default Blob, which the frame parser cannot read synchronously. The hub writes its frames as
 * bytes (`ws` sends a Buffer as a binary frame), so without this a browser sees no frame at all.
 * Sockets without `binaryType` (any non-browser implementation) are left as they are.
 */
export function arrayBufferFrames(Impl: WebSocketConstructor): WebSocketConstructor {
  function ArrayBufferSocket(url: string): WebSocketLike {
    const socket = new Impl(url);
    if ('binaryType' in socket) (socket as { binaryType: string }).binaryType = 'arraybuffer';
    return socket;
  }
  // Called with `new`: a constructor function that returns an object yields that object.
  return ArrayBufferSocket as unknown as WebSocketConstructor;
}
