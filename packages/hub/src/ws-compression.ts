/**
 * permessage-deflate (RFC 7692) for the hub's WebSocket server, in the shape of the `ws`
 * package's `perMessageDeflate` option (declared here structurally: the hub has no hard type
 * dependency on `ws`, see hub-socket.ts). The app (realtime-plugin.ts), the test kit's hub
 * server and the bench build their servers from this one function, so all three measure and
 * test the same settings.
 *
 * Negotiated per client: a client that offers the extension (every browser, and the `ws`
 * package, so the Node SDK and the CLI) gets it; one that does not gets plain frames. Only
 * frames of at least `threshold` bytes are compressed (replay and query-log batches, bulk
 * results): the hub encodes an event once and shares the bytes among sessions, and compressing
 * every small live frame once per socket would spend CPU at fan-out for little gain (a ~400-byte
 * frame shrinks to ~2/3, a 35–64 KB batch to 1/8–2/5; docs/benchmarks.md).
 *
 * Memory. No context takeover on either side: a frame is compressed on its own, so no state
 * carries over between messages and the window can be small. With `ws`, though, a socket's
 * deflater is allocated on its first compressed frame and kept (reset, not freed) until the
 * socket closes: ~100–130 KB of RSS per connection that ever received a frame over the threshold
 * with the settings below (2 KB window, memLevel 6, 4 KB output chunks; Node's zlib keeps a
 * 64 KB hash table whatever memLevel says), against ~230–260 KB with zlib's defaults; a socket
 * that never received one costs nothing, and the hub caps how many sockets hold one
 * (DeflateBudget, the hub's `compression` option). The server's inflater exists only if the client
 * compresses its own frames: with client_no_context_takeover a `ws` client compresses only
 * frames ≥ 1 KB (ours never are), a browser may compress any; its window is the client's to
 * choose (~40 KB). Requiring a smaller client window is not an option: `ws` refuses the whole
 * handshake (400) of a client whose offer does not allow one.
 */

/** The `ws` `perMessageDeflate` option (a structural subset of ws.PerMessageDeflateOptions). */
export interface WsDeflateOptions {
  threshold: number;
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number;
  zlibDeflateOptions: { level: number; memLevel: number; chunkSize: number };
}

/** Frames below this many bytes go out uncompressed unless configured otherwise. */
export const DEFAULT_COMPRESSION_THRESHOLD = 16 * 1024;

/**
 * 2^11 = 2 KB: an event's `before` and `after` (the repetition deflate finds in our JSON) sit
 * within it; ratios are within 3 % of a 32 KB window on record and query-log batches.
 */
const SERVER_WINDOW_BITS = 11;

/**
 * Level 1 compresses our JSON batches 5–15 % less than the default level 6 at 1.2–1.7× the
 * speed; memLevel 6 is about as fast as 8 with a quarter of the hash chains.
 */
const DEFLATE = { level: 1, memLevel: 6, chunkSize: 4 * 1024 } as const;

/** `false` (plain frames for everyone) or the extension with frames ≥ `threshold` compressed. */
export function wsCompression(setting: { threshold: number } | false): WsDeflateOptions | false {
  if (setting === false) return false;
  return {
    // `ws` applies the threshold only when the sender has no context takeover (always here).
    threshold: setting.threshold,
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    serverMaxWindowBits: SERVER_WINDOW_BITS,
    zlibDeflateOptions: { ...DEFLATE },
  };
}
