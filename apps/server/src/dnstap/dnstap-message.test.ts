import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeDnstap } from './dnstap-encoder.js';
import { addressHash, formatAddress } from './address-text.js';
import { MessageType, SocketProtocol, decodeDnstap, emptyMessage } from './dnstap-message.js';

const v4 = (s: string) => Buffer.from(s.split('.').map(Number));

describe('decodeDnstap', () => {
  it('decodes a CLIENT_QUERY as BIND writes it', () => {
    const query = Buffer.from('12340100000100000000000003777777076578616d706c650000010001', 'hex');
    const m = decodeDnstap(
      encodeDnstap({
        identity: 'tap-test',
        version: 'v-test',
        type: MessageType.CLIENT_QUERY,
        socketFamily: 1,
        socketProtocol: SocketProtocol.UDP,
        queryAddress: v4('127.0.0.1'),
        responseAddress: v4('127.0.0.1'),
        queryPort: 44140,
        responsePort: 25300,
        queryTimeSec: 1_796_592_165,
        queryTimeNsec: 388_000_000,
        queryMessage: query,
      }),
    );
    expect(m).toEqual({
      identity: 'tap-test',
      type: MessageType.CLIENT_QUERY,
      socketFamily: 1,
      socketProtocol: SocketProtocol.UDP,
      queryAddress: '127.0.0.1',
      queryAddressHash: addressHash(Buffer.from([127, 0, 0, 1]), 0, 4),
      responseAddress: '127.0.0.1',
      queryPort: 44140,
      responsePort: 25300,
      queryTimeMs: 1_796_592_165_388,
      responseTimeMs: null,
      queryMessage: query,
      responseMessage: null,
    });
  });

  it('decodes a CLIENT_RESPONSE over IPv6 without query time', () => {
    const addr = Buffer.from('20010db8000000000000000000000001', 'hex');
    const m = decodeDnstap(
      encodeDnstap({
        type: MessageType.CLIENT_RESPONSE,
        socketFamily: 2,
        socketProtocol: SocketProtocol.TCP,
        queryAddress: addr,
        responseAddress: Buffer.alloc(16),
        queryPort: 5353,
        responsePort: 53,
        responseTimeSec: 10,
        responseTimeNsec: 999_999_999,
        responseMessage: Buffer.from('abcd', 'hex'),
      }),
    );
    expect(m).toMatchObject({
      identity: null,
      queryAddress: '2001:db8::1',
      responseAddress: '::',
      queryTimeMs: null,
      responseTimeMs: 10_999,
      responseMessage: Buffer.from('abcd', 'hex'),
    });
  });

  it('decodes into a reused object exactly as into a fresh one (nothing left from before)', () => {
    const full = encodeDnstap({
      identity: 'a',
      type: MessageType.CLIENT_QUERY,
      socketProtocol: SocketProtocol.TCP,
      queryAddress: Buffer.from([192, 0, 2, 1]),
      queryPort: 7,
      queryTimeSec: 5,
      queryMessage: Buffer.from('abcd', 'hex'),
    });
    const bare = encodeDnstap({ type: MessageType.CLIENT_RESPONSE });
    const into = emptyMessage();
    expect(decodeDnstap(full, into)).toEqual(decodeDnstap(full));
    expect(decodeDnstap(bare, into)).toEqual(decodeDnstap(bare));
    expect(into).toEqual(decodeDnstap(bare));
  });

  it('skips unknown fields of every wire type', () => {
    const known = encodeDnstap({ identity: 'n', type: MessageType.CLIENT_QUERY, queryPort: 7 });
    // field 20 varint, field 21 fixed64, field 22 bytes, field 23 fixed32, then the message.
    const extra = Buffer.from('a0019601a9010102030405060708b20102aabbbd0101020304', 'hex');
    expect(decodeDnstap(Buffer.concat([extra, known]))).toMatchObject({
      identity: 'n',
      queryPort: 7,
    });
  });

  it('returns null for malformed or non-message payloads', () => {
    const good = encodeDnstap({ type: MessageType.CLIENT_QUERY });
    expect(decodeDnstap(good)).not.toBeNull();
    expect(decodeDnstap(good.subarray(0, good.length - 1))).toBeNull();
    expect(decodeDnstap(Buffer.from([0x78, 0x01]))).toBeNull(); // type 1 but no message
    expect(decodeDnstap(Buffer.from([0x0b]))).toBeNull(); // wire type 3 (groups)
    expect(decodeDnstap(Buffer.from('ffffffffffffffffffffff', 'hex'))).toBeNull();
    expect(decodeDnstap(Buffer.alloc(0))).toBeNull();
  });

  it('never throws on arbitrary bytes, nor on corrupted real messages', () => {
    const real = encodeDnstap({
      identity: 'node-a',
      type: MessageType.CLIENT_RESPONSE,
      queryAddress: v4('192.0.2.1'),
      responseMessage: Buffer.alloc(40, 1),
      responseTimeSec: 1,
      responseTimeNsec: 2,
    });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        decodeDnstap(Buffer.from(bytes));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.nat(real.length - 1), fc.integer({ min: 0, max: 255 }), (i, b) => {
        const copy = Buffer.from(real);
        copy[i] = b;
        decodeDnstap(copy);
        decodeDnstap(copy.subarray(0, i));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatAddress', () => {
  const f = (hex: string) => formatAddress(Buffer.from(hex, 'hex'), 0, hex.length / 2);
  it('writes RFC 5952 text', () => {
    expect(f('c0000201')).toBe('192.0.2.1');
    expect(f('00000000000000000000000000000001')).toBe('::1');
    expect(f('20010db8000000010000000000000001')).toBe('2001:db8:0:1::1');
    expect(f('20010db8000100000001000000000001')).toBe('2001:db8:1:0:1::1');
    expect(f('20010db8000000000001000000000001')).toBe('2001:db8::1:0:0:1');
    expect(f('fe800000000000000000000000000000')).toBe('fe80::');
    expect(f('00000000000000000000ffffc0000201')).toBe('::ffff:192.0.2.1');
    expect(f('0001000200030004000500060007000a')).toBe('1:2:3:4:5:6:7:a');
    expect(f('0102')).toBeNull();
  });
});
