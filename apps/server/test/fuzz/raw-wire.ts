import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * HTTP and WebSocket at the byte level, for hostile-input tests and the fuzz suite: requests a
 * real client library would refuse to send (bad targets, broken headers, reserved opcodes,
 * lying lengths) go out exactly as written.
 */

export interface RawTarget {
  port: number;
  /** Source address (any 127/8 address works on Linux); keeps fuzz traffic apart. */
  localAddress?: string;
}

export interface RawResponse {
  /** 0 when the server closed without an HTTP status line. */
  status: number;
  head: string;
  body: string;
}

/** Parses `HTTP/1.1 NNN …` plus headers and body out of what the server sent. */
export function parseResponse(bytes: Buffer): RawResponse {
  const text = bytes.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  return {
    status: m?.[1] ? Number(m[1]) : 0,
    head,
    body: end === -1 ? '' : text.slice(end + 4),
  };
}

function open(target: RawTarget): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      port: target.port,
      host: '127.0.0.1',
      ...(target.localAddress ? { localAddress: target.localAddress } : {}),
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

/**
 * Writes `request` and collects what comes back until the server closes or `quietMs` pass
 * without a byte after the first response bytes (keep-alive), or `maxMs` in all.
 */
export async function rawExchange(
  target: RawTarget,
  request: Buffer | string,
  opts: { quietMs?: number; maxMs?: number } = {},
): Promise<RawResponse & { closed: boolean }> {
  const socket = await open(target);
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    let done = false;
    let quiet: NodeJS.Timeout | undefined;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(quiet);
      clearTimeout(overall);
      socket.destroy();
      resolve({ ...parseResponse(Buffer.concat(chunks)), closed });
    };
    const overall = setTimeout(() => finish(false), opts.maxMs ?? 3000);
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      clearTimeout(quiet);
      const r = parseResponse(Buffer.concat(chunks));
      // A complete response with Content-Length: stop waiting for the close.
      if (r.status === 101) return finish(false);
      const len = /\r\ncontent-length: *(\d+)/i.exec(r.head);
      if (r.status && len?.[1] && Buffer.byteLength(r.body, 'latin1') >= Number(len[1])) {
        return finish(false);
      }
      quiet = setTimeout(() => finish(false), opts.quietMs ?? 300);
    });
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.write(request);
  });
}

export function upgradeRequest(target: string, headers: Record<string, string> = {}): string {
  const all: Record<string, string> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`);
  return `GET ${target} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

/** A server frame as read off the socket (servers never mask). */
export interface ServerFrame {
  opcode: number;
  payload: Buffer;
}

/**
 * An open WebSocket at the byte level: the handshake is done; `frames` collects what the server
 * sends, `closed` resolves with the close code (or null when the TCP connection just ended).
 */
export interface RawSocket {
  socket: Socket;
  frames: ServerFrame[];
  closed: Promise<{ code: number | null }>;
}

function parseFrames(buf: Buffer, out: ServerFrame[]): Buffer {
  let rest = buf;
  for (;;) {
    if (rest.length < 2) return rest;
    const b1 = rest[1] ?? 0;
    let len = b1 & 0x7f;
    let off = 2;
    if (len === 126) {
      if (rest.length < 4) return rest;
      len = rest.readUInt16BE(2);
      off = 4;
    } else if (len === 127) {
      if (rest.length < 10) return rest;
      len = Number(rest.readBigUInt64BE(2));
      off = 10;
    }
    if (rest.length < off + len) return rest;
    out.push({ opcode: (rest[0] ?? 0) & 0x0f, payload: rest.subarray(off, off + len) });
    rest = rest.subarray(off + len);
  }
}

/** Upgrades `target` (e.g. `/ws`) and returns the open raw socket; throws unless 101. */
export async function rawWebSocket(
  t: RawTarget,
  target = '/ws',
  headers: Record<string, string> = {},
): Promise<RawSocket> {
  const socket = await open(t);
  const frames: ServerFrame[] = [];
  let closeCode: number | null = null;
  const closed = new Promise<{ code: number | null }>((resolve) => {
    socket.on('close', () => resolve({ code: closeCode }));
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    let buf: Buffer = Buffer.alloc(0);
    let upgraded = false;
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buf.subarray(0, end).toString('latin1');
        if (!head.startsWith('HTTP/1.1 101')) {
          socket.destroy();
          reject(new Error(`upgrade refused: ${head.split('\r\n')[0] ?? ''}`));
          return;
        }
        upgraded = true;
        buf = buf.subarray(end + 4);
        resolve();
      }
      const before = frames.length;
      buf = parseFrames(buf, frames);
      for (const f of frames.slice(before)) {
        if (f.opcode !== 8 || closeCode !== null) continue;
        closeCode = f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005;
        // Answer the close handshake like a well-behaved peer, so the server need not wait.
        if (socket.writable)
          socket.end(encodeWsFrame({ opcode: 8, payload: f.payload.subarray(0, 2) }));
      }
    });
    socket.once('close', () => reject(new Error('closed during the handshake')));
    socket.write(upgradeRequest(target, headers));
  });
  return { socket, frames, closed };
}

export interface FrameSpec {
  fin?: boolean;
  /** Three bits: RSV1..RSV3 (only allowed with negotiated extensions: we negotiate none). */
  rsv?: number;
  opcode: number;
  /** Clients must mask; false sends an unmasked frame. */
  mask?: boolean;
  payload: Buffer;
  /** Claim this payload length in the header instead of the real one. */
  declaredLength?: number;
  /** Force the 16- or 64-bit length form even for short payloads. */
  lengthForm?: 'short' | '16' | '64';
}

/** Encodes one WebSocket frame exactly as specified, including illegal combinations. */
export function encodeWsFrame(f: FrameSpec): Buffer {
  const len = f.declaredLength ?? f.payload.length;
  const form = f.lengthForm ?? (len < 126 ? 'short' : len < 65536 ? '16' : '64');
  const masked = f.mask ?? true;
  const b0 = ((f.fin ?? true) ? 0x80 : 0) | ((f.rsv ?? 0) << 4) | (f.opcode & 0x0f);
  const m = masked ? 0x80 : 0;
  let header: Buffer;
  if (form === 'short') {
    header = Buffer.from([b0, m | (len & 0x7f)]);
  } else if (form === '16') {
    header = Buffer.alloc(4);
    header[0] = b0;
    header[1] = m | 126;
    header.writeUInt16BE(len & 0xffff, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = b0;
    header[1] = m | 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  if (!masked) return Buffer.concat([header, f.payload]);
  const key = randomBytes(4);
  const body = Buffer.from(f.payload);
  for (let i = 0; i < body.length; i++) body[i] = (body[i] ?? 0) ^ (key[i % 4] ?? 0);
  return Buffer.concat([header, key, body]);
}

export const textFrame = (text: string): Buffer =>
  encodeWsFrame({ opcode: 1, payload: Buffer.from(text) });

/** Writes `request`, waits `delayMs`, then aborts the connection with a TCP RST. */
export async function resetAfterWrite(
  t: RawTarget,
  request: string,
  delayMs: number,
): Promise<void> {
  const socket = connect({ port: t.port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(request);
  await new Promise((r) => setTimeout(r, delayMs));
  socket.resetAndDestroy();
}
