import { describe, expect, it } from 'vitest';
import type { TsigKey } from '@hdns/protocol/rest';
import {
  currentVersionOf,
  draftOfZone,
  keyLabel,
  MAX_PRIMARIES,
  primaryError,
  secondaryFields,
  splitPrimaries,
} from './secondary-zone-draft';

const key: TsigKey = {
  id: 'k1',
  name: 'xfr-key',
  algorithm: 'hmac-sha256',
  usedBy: [],
  version: 1,
  createdAt: '2024-01-01T00:00:00.000Z',
  rotatedAt: null,
};

describe('splitPrimaries', () => {
  it('splits on commas, spaces and new lines and drops empty entries', () => {
    expect(splitPrimaries(' 192.0.2.1, 192.0.2.2#5300\n2001:db8::1 ,,')).toEqual([
      '192.0.2.1',
      '192.0.2.2#5300',
      '2001:db8::1',
    ]);
    expect(splitPrimaries('  ')).toEqual([]);
  });
});

describe('primaryError', () => {
  it.each([
    '192.0.2.1',
    '127.0.0.1#5300',
    '2001:db8::1',
    '::1#53',
    '::ffff:192.0.2.1',
    '1:2:3:4:5:6:7:8',
  ])('accepts %s', (entry) => expect(primaryError(entry)).toBeUndefined());

  it.each([
    '192.0.2.300',
    '192.0.2',
    'ns1.example.com',
    '01.2.3.4',
    '1:2:3:4:5:6:7:8:9',
    '1:::2',
    '2001:db8::1::2',
  ])('names %s as not an address', (entry) =>
    expect(primaryError(entry)).toBe(
      `${entry} is not an IP address (write 192.0.2.1 or 192.0.2.1#5300)`,
    ),
  );

  it.each(['192.0.2.1#0', '192.0.2.1#65536', '192.0.2.1#', '192.0.2.1#53a'])(
    'refuses the port of %s',
    (entry) => expect(primaryError(entry)).toBe(`${entry}: the port after # must be 1 to 65535`),
  );
});

describe('secondaryFields', () => {
  it('gives the body fields, no key as null', () => {
    expect(secondaryFields({ primaries: '192.0.2.1, 192.0.2.2#5300', tsigKeyId: '' })).toEqual({
      ok: true,
      value: { primaries: ['192.0.2.1', '192.0.2.2#5300'], tsigKeyId: null },
    });
    expect(secondaryFields({ primaries: '192.0.2.1', tsigKeyId: 'k1' })).toEqual({
      ok: true,
      value: { primaries: ['192.0.2.1'], tsigKeyId: 'k1' },
    });
  });

  it('names the first bad entry', () => {
    expect(secondaryFields({ primaries: '192.0.2.1 192.0.2.999', tsigKeyId: '' })).toEqual({
      ok: false,
      error: 'Primaries: 192.0.2.999 is not an IP address (write 192.0.2.1 or 192.0.2.1#5300)',
    });
  });

  it('needs one primary and takes at most the server limit', () => {
    expect(secondaryFields({ primaries: ' , ', tsigKeyId: '' })).toEqual({
      ok: false,
      error: 'Primaries: a secondary zone needs at least one primary',
    });
    const many = Array.from({ length: MAX_PRIMARIES + 1 }, (_, i) => `192.0.2.${i + 1}`);
    expect(secondaryFields({ primaries: many.join(','), tsigKeyId: '' })).toEqual({
      ok: false,
      error: `Primaries: at most ${MAX_PRIMARIES}`,
    });
    expect(secondaryFields({ primaries: many.slice(1).join(','), tsigKeyId: '' }).ok).toBe(true);
  });
});

describe('draftOfZone and keyLabel', () => {
  it("fills the form from the zone's values", () => {
    expect(draftOfZone({ primaries: ['192.0.2.1', '192.0.2.2#53'], tsigKeyId: null })).toEqual({
      primaries: '192.0.2.1, 192.0.2.2#53',
      tsigKeyId: '',
    });
    expect(draftOfZone()).toEqual({ primaries: '', tsigKeyId: '' });
  });

  it('names the key when it is listed, its id when not, and says when there is none', () => {
    expect(keyLabel('k1', [key])).toBe('xfr-key (hmac-sha256)');
    expect(keyLabel('k2', [key])).toBe('key k2');
    expect(keyLabel(null, [key])).toBe('none (transfers by address only)');
  });
});

describe('currentVersionOf', () => {
  it("reads a stale answer's current version, and nothing from other shapes", () => {
    expect(currentVersionOf({ currentVersion: 4, current: {} })).toBe(4);
    expect(currentVersionOf({ currentVersion: '4' })).toBeUndefined();
    expect(currentVersionOf({ currentVersion: 0 })).toBeUndefined();
    expect(currentVersionOf(null)).toBeUndefined();
    expect(currentVersionOf(undefined)).toBeUndefined();
  });
});
