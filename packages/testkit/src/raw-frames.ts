import type { Socket } from 'node:net';
import { constants, inflateRawSync } from 'node:zlib';

/**
 * Reads server frames off a raw socket (raw-socket.ts) exactly as they crossed the wire: the
 * header bits (FIN, RSV1 = "compressed with permessage-deflate"), the opcode and the payload.
 * For tests that must see what the server put on the wire, not what a WebSocket library
 * handed up after decoding it.
 */
export interface RawFrame {
  fin: boolean;
  /** Set on the first frame of a message compressed with permessage-deflate (RFC 7692). */
  rsv1: boolean;
  opcode: number;
  /** The payload as sent (compressed when rsv1). */
  payload: Buffer;
  /** The payload's text: inflated when rsv1 (no context takeover: each message on its own). */
  text(): string;
}

/** RFC 7692 strips the sync flush's empty block; put back, it ends the message's input. */
const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const SYNC = constants.Z_SYNC_FLUSH;

/** Collects every frame the server sends on `socket` from now on (unmasked, as servers send). */
export class RawFrameReader {
  readonly frames: RawFrame[] = [];
  private pending = Buffer.alloc(0);

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.pending = Buffer.concat([this.pending, chunk]);
      this.parse();
    });
  }

  /** Data frames only (text, binary, continuation), in order. */
  get dataFrames(): RawFrame[] {
    return this.frames.filter((f) => f.opcode < 0x8);
  }

  private parse(): void {
    for (;;) {
      const b = this.pending;
      if (b.length < 2) return;
      const b0 = b[0] ?? 0;
      const b1 = b[1] ?? 0;
      let len = b1 & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      if (b1 & 0x80) throw new Error('a server frame must not be masked');
      if (b.length < offset + len) return;
      const payload = Buffer.from(b.subarray(offset, offset + len));
      const rsv1 = (b0 & 0x40) !== 0;
      this.frames.push({
        fin: (b0 & 0x80) !== 0,
        rsv1,
        opcode: b0 & 0x0f,
        payload,
        text: () =>
          (rsv1
            ? inflateRawSync(Buffer.concat([payload, TRAILER]), { finishFlush: SYNC })
            : payload
          ).toString('utf8'),
      });
      this.pending = b.subarray(offset + len);
    }
  }
}
