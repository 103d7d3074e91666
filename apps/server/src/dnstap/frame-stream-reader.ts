/**
 * Frame Streams (the framing dnstap uses, github.com/farsightsec/fstrm) parsed incrementally:
 * bytes arrive in arbitrary chunks, complete frames come out.
 *
 *   data frame:    u32 length (> 0), then `length` bytes (one protobuf Dnstap message)
 *   control frame: u32 0 (escape), u32 control length, u32 control type, then fields
 *                  (u32 field type, u32 field length, bytes); field type 1 = content type
 *
 * All integers are big-endian. A peer that sends a data frame above `maxDataFrame` bytes or a
 * control frame above 512 bytes (or a malformed one) is a protocol error: `onError` is called
 * once and everything after it is ignored, so a misbehaving peer can neither make the parser
 * throw nor make it buffer without bound (at most one frame is ever held).
 */

export const CONTROL_ACCEPT = 1;
export const CONTROL_START = 2;
export const CONTROL_STOP = 3;
export const CONTROL_READY = 4;
export const CONTROL_FINISH = 5;

/** The only control field type Frame Streams defines. */
const FIELD_CONTENT_TYPE = 1;
/** fstrm's own limit for a control frame. */
export const MAX_CONTROL_FRAME = 512;
export const DEFAULT_MAX_DATA_FRAME = 256 * 1024;

export interface ControlFrame {
  type: number;
  contentTypes: string[];
}

export interface FrameStreamHandlers {
  /** One data frame. The Buffer may share memory with the chunk it came in. */
  onData(frame: Buffer): void;
  onControl(frame: ControlFrame): void;
  /** Called once; the reader ignores all input afterwards. `reason` is short and fixed-form. */
  onError(reason: string): void;
}

/** Parses a control frame's payload (after the control length); null when malformed. */
export function parseControlPayload(payload: Buffer): ControlFrame | null {
  if (payload.length < 4) return null;
  const type = payload.readUInt32BE(0);
  const contentTypes: string[] = [];
  let off = 4;
  while (off < payload.length) {
    if (payload.length - off < 8) return null;
    const fieldType = payload.readUInt32BE(off);
    const len = payload.readUInt32BE(off + 4);
    off += 8;
    if (len > payload.length - off) return null;
    if (fieldType === FIELD_CONTENT_TYPE) {
      contentTypes.push(payload.toString('latin1', off, off + len));
    }
    off += len;
  }
  return { type, contentTypes };
}

/** A complete control frame (escape, length, payload) ready to write to the peer. */
export function encodeControlFrame(type: number, contentTypes: readonly string[] = []): Buffer {
  let payloadLength = 4;
  for (const ct of contentTypes) payloadLength += 8 + Buffer.byteLength(ct, 'latin1');
  const out = Buffer.alloc(8 + payloadLength);
  out.writeUInt32BE(0, 0);
  out.writeUInt32BE(payloadLength, 4);
  out.writeUInt32BE(type, 8);
  let off = 12;
  for (const ct of contentTypes) {
    const len = Buffer.byteLength(ct, 'latin1');
    out.writeUInt32BE(FIELD_CONTENT_TYPE, off);
    out.writeUInt32BE(len, off + 4);
    out.write(ct, off + 8, 'latin1');
    off += 8 + len;
  }
  return out;
}

/** A complete data frame (length prefix and payload). */
export function encodeDataFrame(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + payload.length);
  out.writeUInt32BE(payload.length, 0);
  payload.copy(out, 4);
  return out;
}

export interface FrameStreamReaderOptions {
  /** Largest data frame accepted, in bytes (default 256 KiB). */
  maxDataFrame?: number;
}

export class FrameStreamReader {
  private readonly maxDataFrame: number;
  /** Bytes of an unfinished frame, kept as the chunks they came in (joined once complete). */
  private parts: Buffer[] = [];
  private have = 0;
  /** Bytes needed before the next parse attempt can make progress. */
  private need = 4;
  private failedReason: string | null = null;

  constructor(
    private readonly handlers: FrameStreamHandlers,
    options: FrameStreamReaderOptions = {},
  ) {
    this.maxDataFrame = options.maxDataFrame ?? DEFAULT_MAX_DATA_FRAME;
  }

  /** The protocol error that stopped the reader, or null. */
  get failed(): string | null {
    return this.failedReason;
  }

  /** Bytes held for an unfinished frame (bounded by one frame). */
  get buffered(): number {
    return this.have;
  }

  push(chunk: Buffer): void {
    if (this.failedReason !== null || chunk.length === 0) return;
    let data: Buffer;
    if (this.have === 0) {
      data = chunk;
    } else {
      this.parts.push(chunk);
      this.have += chunk.length;
      if (this.have < this.need) return;
      data = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.have);
      this.parts = [];
      this.have = 0;
    }
    const off = this.parse(data);
    if (this.failedReason !== null) return;
    if (off < data.length) {
      // Copy the tail so a held partial frame does not pin a whole large chunk.
      const rest = Buffer.from(data.subarray(off));
      this.parts = [rest];
      this.have = rest.length;
    }
  }

  /** Consumes every complete frame in `data` from 0; returns where the unfinished rest begins. */
  private parse(data: Buffer): number {
    let off = 0;
    const end = data.length;
    for (;;) {
      if (end - off < 4) {
        this.need = 4;
        return off;
      }
      const len = data.readUInt32BE(off);
      if (len !== 0) {
        if (len > this.maxDataFrame) return this.fail(`data frame of ${len} bytes over the limit`);
        if (end - off - 4 < len) {
          this.need = 4 + len;
          return off;
        }
        const frame = data.subarray(off + 4, off + 4 + len);
        off += 4 + len;
        this.handlers.onData(frame);
        if (this.failedReason !== null) return end;
        continue;
      }
      if (end - off < 8) {
        this.need = 8;
        return off;
      }
      const clen = data.readUInt32BE(off + 4);
      if (clen > MAX_CONTROL_FRAME)
        return this.fail(`control frame of ${clen} bytes over the limit`);
      if (end - off - 8 < clen) {
        this.need = 8 + clen;
        return off;
      }
      const control = parseControlPayload(data.subarray(off + 8, off + 8 + clen));
      if (control === null) return this.fail('malformed control frame');
      off += 8 + clen;
      this.handlers.onControl(control);
      if (this.failedReason !== null) return end;
    }
  }

  /**
   * Stops the reader: later input is ignored. `notify` false is for the owner discarding input
   * on purpose (after STOP, on close), which is not a protocol error.
   */
  fail(reason: string, notify = true): number {
    if (this.failedReason === null) {
      this.failedReason = reason;
      this.parts = [];
      this.have = 0;
      if (notify) this.handlers.onError(reason);
    }
    return Number.MAX_SAFE_INTEGER;
  }
}
