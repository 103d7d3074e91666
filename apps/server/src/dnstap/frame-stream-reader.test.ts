import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONTROL_ACCEPT,
  CONTROL_READY,
  CONTROL_START,
  CONTROL_STOP,
  FrameStreamReader,
  encodeControlFrame,
  encodeDataFrame,
  type ControlFrame,
} from './frame-stream-reader.js';

/** The READY frame BIND 9.18 sent, byte for byte (shared/reference/bind9-next.md §1). */
const READY_HEX =
  '00000000' +
  '00000022' +
  '00000004' +
  '00000001' +
  '00000016' +
  Buffer.from('protobuf:dnstap.Dnstap').toString('hex');

function collect(maxDataFrame?: number) {
  const data: Buffer[] = [];
  const control: ControlFrame[] = [];
  const errors: string[] = [];
  const reader = new FrameStreamReader(
    {
      onData: (f) => data.push(Buffer.from(f)),
      onControl: (f) => control.push(f),
      onError: (r) => errors.push(r),
    },
    maxDataFrame !== undefined ? { maxDataFrame } : {},
  );
  return { reader, data, control, errors };
}

describe('FrameStreamReader', () => {
  it('parses the READY frame named sends', () => {
    const { reader, control, errors } = collect();
    reader.push(Buffer.from(READY_HEX, 'hex'));
    expect(control).toEqual([{ type: CONTROL_READY, contentTypes: ['protobuf:dnstap.Dnstap'] }]);
    expect(errors).toEqual([]);
  });

  it('encodes ACCEPT as the READY bytes with type 1', () => {
    const accept = encodeControlFrame(CONTROL_ACCEPT, ['protobuf:dnstap.Dnstap']);
    expect(accept.toString('hex')).toBe(READY_HEX.replace('0000000400000001', '0000000100000001'));
    expect(encodeControlFrame(CONTROL_STOP).toString('hex')).toBe('000000000000000400000003');
  });

  it('yields the same frames whatever the chunking', () => {
    const payloads = [Buffer.from('a'), Buffer.alloc(300, 7), Buffer.from('hello world')];
    const stream = Buffer.concat([
      Buffer.from(READY_HEX, 'hex'),
      encodeControlFrame(CONTROL_START, ['protobuf:dnstap.Dnstap']),
      ...payloads.map(encodeDataFrame),
      encodeControlFrame(CONTROL_STOP),
    ]);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 20 }),
        (cuts) => {
          const { reader, data, control, errors } = collect();
          const points = [...new Set(cuts)].sort((a, b) => a - b);
          let prev = 0;
          for (const p of [...points, stream.length]) {
            reader.push(stream.subarray(prev, p));
            prev = p;
          }
          expect(errors).toEqual([]);
          expect(data).toEqual(payloads);
          expect(control.map((c) => c.type)).toEqual([CONTROL_READY, CONTROL_START, CONTROL_STOP]);
          expect(reader.buffered).toBe(0);
        },
      ),
    );
  });

  it('rejects a data frame over the limit before buffering it', () => {
    const { reader, data, errors } = collect(1024);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(1025);
    reader.push(head);
    reader.push(Buffer.alloc(2000));
    expect(errors).toEqual(['data frame of 1025 bytes over the limit']);
    expect(data).toEqual([]);
    expect(reader.buffered).toBe(0);
    reader.push(encodeDataFrame(Buffer.from('x')));
    expect(data).toEqual([]);
  });

  it('rejects a control frame over 512 bytes and a malformed one', () => {
    const big = collect();
    big.reader.push(Buffer.from('0000000000000201', 'hex'));
    expect(big.errors).toEqual(['control frame of 513 bytes over the limit']);
    const bad = collect();
    // A content-type field whose length runs past the control frame.
    bad.reader.push(
      Buffer.from('00000000' + '0000000c' + '00000004' + '00000001' + '000000ff', 'hex'),
    );
    expect(bad.errors).toEqual(['malformed control frame']);
    expect(bad.control).toEqual([]);
  });

  it('never throws and never holds more than one frame on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 10 }), (chunks) => {
        const { reader } = collect(4096);
        for (const c of chunks) {
          reader.push(Buffer.from(c));
          expect(reader.buffered).toBeLessThanOrEqual(4096 + 8);
        }
      }),
      { numRuns: 500 },
    );
  });
});
