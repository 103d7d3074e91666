/**
 * The inverse of dnstap-message.ts for the fields BIND writes: builds Dnstap protobuf bytes the
 * way named does (field order as protobuf-c emits them). Used by the unit tests and by the
 * ingest benchmark to produce frames without a running named; the server never writes dnstap.
 */

export interface DnstapInput {
  identity?: string;
  version?: string;
  type: number;
  socketFamily?: number;
  socketProtocol?: number;
  /** Raw 4- or 16-byte addresses. */
  queryAddress?: Buffer;
  responseAddress?: Buffer;
  queryPort?: number;
  responsePort?: number;
  queryTimeSec?: number;
  queryTimeNsec?: number;
  queryMessage?: Buffer;
  responseTimeSec?: number;
  responseTimeNsec?: number;
  responseMessage?: Buffer;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

class Writer {
  readonly parts: Buffer[] = [];
  tag(field: number, wire: number): void {
    this.parts.push(Buffer.from(varint(field * 8 + wire)));
  }
  uint(field: number, v: number | undefined): void {
    if (v === undefined) return;
    this.tag(field, 0);
    this.parts.push(Buffer.from(varint(v)));
  }
  fixed32(field: number, v: number | undefined): void {
    if (v === undefined) return;
    this.tag(field, 5);
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.parts.push(b);
  }
  bytes(field: number, v: Buffer | string | undefined): void {
    if (v === undefined) return;
    const b = typeof v === 'string' ? Buffer.from(v) : v;
    this.tag(field, 2);
    this.parts.push(Buffer.from(varint(b.length)), b);
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export function encodeDnstap(m: DnstapInput): Buffer {
  const msg = new Writer();
  msg.uint(1, m.type);
  msg.uint(2, m.socketFamily);
  msg.uint(3, m.socketProtocol);
  msg.bytes(4, m.queryAddress);
  msg.bytes(5, m.responseAddress);
  msg.uint(6, m.queryPort);
  msg.uint(7, m.responsePort);
  msg.uint(8, m.queryTimeSec);
  msg.fixed32(9, m.queryTimeNsec);
  msg.bytes(10, m.queryMessage);
  msg.uint(12, m.responseTimeSec);
  msg.fixed32(13, m.responseTimeNsec);
  msg.bytes(14, m.responseMessage);
  const top = new Writer();
  top.bytes(1, m.identity);
  top.bytes(2, m.version);
  top.bytes(14, msg.done());
  top.uint(15, 1);
  return top.done();
}
