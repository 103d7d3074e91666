import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOGUE, EVENT_TYPES } from './catalogue.js';
import { EXAMPLE_EVENTS } from './examples.js';
import {
  EXAMPLE_CLIENT_FRAMES,
  EXAMPLE_EVENT_FRAME,
  EXAMPLE_SERVER_FRAMES,
} from './examples-frames.js';
import {
  encodeBatch,
  encodeFrame,
  parseClientFrame,
  parseServerFrame,
  utf8ByteLength,
} from './frame-codec.js';
import type { EventFrame } from './frames-server.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('parseClientFrame: good input', () => {
  it.each(Object.values(EXAMPLE_CLIENT_FRAMES))('round-trips $type', (frame) => {
    const text = encodeFrame(frame);
    expect(parseClientFrame(text)).toEqual({ ok: true, frame });
    expect(parseClientFrame(bytes(text))).toEqual({ ok: true, frame });
    expect(parseClientFrame(Buffer.from(text))).toEqual({ ok: true, frame });
    expect(parseClientFrame(bytes(text).buffer)).toEqual({ ok: true, frame });
    expect(parseClientFrame(JSON.parse(text))).toEqual({ ok: true, frame });
  });

  it('accepts a minimal hello (cookie-authenticated upgrade) and strips unknown keys', () => {
    const r = parseClientFrame('{"type":"hello","id":"1","protocol":1,"future":{"x":1}}');
    expect(r).toEqual({ ok: true, frame: { type: 'hello', id: '1', protocol: 1 } });
  });

  it('accepts a view of a larger buffer (ws fragments share an ArrayBuffer)', () => {
    const big = bytes(`xx{"type":"ping"}yy`);
    expect(parseClientFrame(big.subarray(2, big.length - 2))).toEqual({
      ok: true,
      frame: { type: 'ping' },
    });
  });
});

describe('parseClientFrame: bad and hostile input', () => {
  const cases: [string, unknown, string][] = [
    ['invalid JSON', '{"type":', 'BAD_JSON'],
    ['empty string', '', 'BAD_JSON'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'BAD_JSON'],
    ['null', 'null', 'BAD_FRAME'],
    ['number', '42', 'BAD_FRAME'],
    ['string JSON', '"hello"', 'BAD_FRAME'],
    ['array', '[{"type":"ping"}]', 'BAD_FRAME'],
    ['undefined', undefined, 'BAD_FRAME'],
    ['missing type', '{"id":"x"}', 'BAD_FRAME'],
    ['numeric type', '{"type":7}', 'BAD_FRAME'],
    ['unknown type', '{"type":"welcome","id":"x"}', 'UNKNOWN_FRAME_TYPE'],
    ['inherited type name', '{"type":"toString"}', 'UNKNOWN_FRAME_TYPE'],
    ['future protocol', '{"type":"hello","id":"h","protocol":2}', 'UNSUPPORTED_PROTOCOL'],
    ['string protocol', '{"type":"hello","id":"h","protocol":"1"}', 'BAD_FRAME'],
    ['hello without id', '{"type":"hello","protocol":1}', 'BAD_FRAME'],
    ['id too long', JSON.stringify({ type: 'ping', id: 'x'.repeat(65) }), 'BAD_FRAME'],
    ['empty items', '{"type":"subscribe","id":"s","items":[]}', 'BAD_FRAME'],
    [
      '101 items',
      JSON.stringify({ type: 'subscribe', id: 's', items: Array(101).fill('dns') }),
      'BAD_FRAME',
    ],
    [
      'item too long',
      JSON.stringify({ type: 'subscribe', id: 's', items: ['x'.repeat(65)] }),
      'BAD_FRAME',
    ],
    ['items wrong type', '{"type":"subscribe","id":"s","items":"dns"}', 'BAD_FRAME'],
    ['ack with nothing', '{"type":"ack","id":"a"}', 'BAD_FRAME'],
    ['huge number seq', '{"type":"ack","id":"a","upToSeq":1e400}', 'BAD_FRAME'],
    ['unsafe integer seq', '{"type":"ack","id":"a","upToSeq":9007199254740993}', 'BAD_FRAME'],
    ['negative seq', '{"type":"ack","id":"a","upToSeq":-1}', 'BAD_FRAME'],
    [
      'huge token',
      JSON.stringify({ type: 'auth', id: 'a', token: 'x'.repeat(100_000) }),
      'BAD_FRAME',
    ],
  ];

  it.each(cases)('%s → %s', (_name, raw, code) => {
    const r = parseClientFrame(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message.length).toBeLessThan(500);
    }
  });

  it('recovers the id so the error can echo it', () => {
    expect(parseClientFrame('{"type":"subscribe","id":"s9","items":[]}')).toMatchObject({
      ok: false,
      id: 's9',
    });
    expect(parseClientFrame('{"type":"nope","id":"n1"}')).toMatchObject({
      code: 'UNKNOWN_FRAME_TYPE',
      id: 'n1',
    });
    expect(parseClientFrame('{"type":"hello","id":"h","protocol":9}')).toMatchObject({ id: 'h' });
    const noId = parseClientFrame(JSON.stringify({ type: 'nope', id: 'x'.repeat(65) }));
    expect(noId.ok === false && 'id' in noId).toBe(false);
  });

  it('does not pollute Object.prototype', () => {
    for (const raw of [
      '{"__proto__":{"polluted":1}}',
      '{"type":"hello","id":"h","protocol":1,"__proto__":{"polluted":1},"client":{"__proto__":{"polluted":1}}}',
      '{"type":"subscribe","id":"s","items":["dns"],"constructor":{"prototype":{"polluted":1}}}',
    ]) {
      parseClientFrame(raw);
      parseServerFrame(raw);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const r = parseClientFrame('{"type":"ping","__proto__":{"id":"evil"}}');
    expect(r).toEqual({ ok: true, frame: { type: 'ping' } });
  });

  it('survives deep nesting and junk in every field', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(parseClientFrame(deep).ok).toBe(false);
    const nested = `{"type":"hello","id":"h","protocol":1,"client":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    expect(parseClientFrame(nested).ok).toBe(true);
    expect(parseClientFrame('{"type":"hello","id":"h","protocol":1,"resume":[[[[]]]]}').ok).toBe(
      false,
    );
  });

  it('enforces maxBytes before parsing, on a 10 MB string and on bytes', () => {
    const huge = JSON.stringify({ type: 'ping', id: 'p', pad: 'x'.repeat(10 * 1024 * 1024) });
    const t0 = performance.now();
    expect(parseClientFrame(huge, { maxBytes: 65536 })).toMatchObject({
      ok: false,
      code: 'FRAME_TOO_LARGE',
    });
    expect(parseClientFrame(Buffer.from(huge), { maxBytes: 65536 })).toMatchObject({
      code: 'FRAME_TOO_LARGE',
    });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(parseClientFrame('{"type":"ping"}', { maxBytes: 15 }).ok).toBe(true);
    expect(parseClientFrame('{"type":"ping"}', { maxBytes: 14 }).ok).toBe(false);
    // Multi-byte characters count as bytes, not UTF-16 units.
    const euro = `{"type":"ping","x":"${'€'.repeat(10)}"}`;
    expect(parseClientFrame(euro, { maxBytes: utf8ByteLength(euro) }).ok).toBe(true);
    expect(parseClientFrame(euro, { maxBytes: utf8ByteLength(euro) - 1 }).ok).toBe(false);
  });

  it('utf8ByteLength matches TextEncoder', () => {
    for (const s of ['', 'abc', 'é', '€', '😀', 'a😀b€é', '\ud800']) {
      expect(utf8ByteLength(s), s).toBe(new TextEncoder().encode(s).length);
    }
  });

  it('never throws on hostile already-parsed values', () => {
    const throwing = Object.defineProperty({}, 'type', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    const proxy = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
        has: () => {
          throw new Error('boom');
        },
      },
    );
    for (const raw of [throwing, proxy, Symbol('x'), () => 1, 10n, new Date(), new Map()]) {
      expect(() => parseClientFrame(raw)).not.toThrow();
      expect(parseClientFrame(raw).ok).toBe(false);
      expect(() => parseServerFrame(raw)).not.toThrow();
    }
  });

  it('property: never throws on arbitrary JSON values or strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string(), fc.json()), (value) => {
        const r = parseClientFrame(value);
        const s = parseServerFrame(value);
        return typeof r.ok === 'boolean' && typeof s.ok === 'boolean';
      }),
      { numRuns: 500 },
    );
  });

  it('property: frames with a known type and arbitrary fields never throw', () => {
    const types = ['hello', 'auth', 'subscribe', 'unsubscribe', 'ack', 'ping', 'pong'];
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (type, rest) => {
          const r = parseClientFrame({ ...rest, type });
          return typeof r.ok === 'boolean';
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('parseServerFrame', () => {
  it.each(Object.values(EXAMPLE_SERVER_FRAMES))('round-trips $type', (frame) => {
    expect(parseServerFrame(encodeFrame(frame))).toEqual({ ok: true, frame });
  });

  it.each(EVENT_TYPES)('round-trips an event frame of %s', (event) => {
    const frame: EventFrame = {
      ...EXAMPLE_EVENT_FRAME,
      event,
      category: EVENT_CATALOGUE[event].category,
      data: EXAMPLE_EVENTS[event],
    };
    expect(parseServerFrame(encodeFrame(frame))).toEqual({ ok: true, frame });
  });

  it('encodeBatch splices pre-encoded events into a parseable batch', () => {
    const encoded = [
      encodeFrame(EXAMPLE_EVENT_FRAME),
      encodeFrame({ ...EXAMPLE_EVENT_FRAME, seq: 1043 }),
    ];
    const r = parseServerFrame(encodeBatch(encoded, 1043));
    expect(r).toEqual({
      ok: true,
      frame: {
        type: 'batch',
        through: 1043,
        events: [EXAMPLE_EVENT_FRAME, { ...EXAMPLE_EVENT_FRAME, seq: 1043 }],
      },
    });
  });

  it('rejects event data that does not match the catalogue, and a wrong category', () => {
    const bad = { ...EXAMPLE_EVENT_FRAME, data: { zone: 'example.com' } };
    expect(parseServerFrame(bad)).toMatchObject({
      ok: false,
      code: 'BAD_FRAME',
      id: EXAMPLE_EVENT_FRAME.id,
    });
    expect(parseServerFrame(bad, { validateEventData: false }).ok).toBe(true);
    expect(parseServerFrame({ ...EXAMPLE_EVENT_FRAME, category: 'user' }).ok).toBe(false);
  });

  it('reports unknown event types; a batch keeps its good events and lists the dropped', () => {
    const future = { ...EXAMPLE_EVENT_FRAME, event: 'zone_renamed' };
    expect(parseServerFrame(future)).toMatchObject({ ok: false, code: 'UNKNOWN_EVENT_TYPE' });
    const r = parseServerFrame({
      type: 'batch',
      through: 9,
      events: [future, EXAMPLE_EVENT_FRAME, 5],
    });
    expect(r).toEqual({
      ok: true,
      frame: { type: 'batch', through: 9, events: [EXAMPLE_EVENT_FRAME] },
      dropped: [
        { index: 0, code: 'UNKNOWN_EVENT_TYPE', message: expect.any(String) },
        { index: 2, code: 'BAD_FRAME', message: expect.any(String) },
      ],
    });
    expect(parseServerFrame({ type: 'batch', through: 1, events: [] }).ok).toBe(false);
    expect(
      parseServerFrame({ type: 'batch', through: 1, events: Array(1001).fill(EXAMPLE_EVENT_FRAME) })
        .ok,
    ).toBe(false);
  });

  it('rejects client-only frames and unknown error codes', () => {
    expect(parseServerFrame({ type: 'hello', id: 'h', protocol: 1 })).toMatchObject({
      code: 'UNKNOWN_FRAME_TYPE',
    });
    expect(parseServerFrame({ type: 'error', code: 'NOPE', message: 'x' }).ok).toBe(false);
  });
});
