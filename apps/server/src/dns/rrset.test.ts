import { describe, expect, it } from 'vitest';
import { isAppError } from '../http/app-error.js';
import { recordInputSchema } from './record-input.js';
import { defaultTtlSplit, rdataKey, rrsetKey, RrsetIndex } from './rrset.js';
import { newRecord, type DnsRecord } from './zone-store.js';

const ZONE = 'example.test';
const NOW = '2026-01-01T00:00:00.000Z';

function rec(body: Record<string, unknown>, id?: string): DnsRecord {
  return newRecord(ZONE, recordInputSchema.parse(body), NOW, id);
}

function refusal(fn: () => void): { message: string; details: unknown } | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (isAppError(err) && err.code === 'INVALID_RECORD') {
      return { message: err.message, details: err.details };
    }
    throw err;
  }
}

describe('RRset identity (RFC 2181 §5)', () => {
  it('owner names compare case-insensitively, relative or absolute, @ as the apex', () => {
    const keys = ['www', 'WWW', 'www.example.test.', 'Www.Example.Test.'].map((name) =>
      rrsetKey({ name, type: 'A' }, ZONE),
    );
    expect(new Set(keys).size).toBe(1);
    expect(rrsetKey({ name: '@', type: 'NS' }, ZONE)).toBe(
      rrsetKey({ name: 'example.test.', type: 'NS' }, ZONE),
    );
    expect(rrsetKey({ name: 'www', type: 'A' }, ZONE)).not.toBe(
      rrsetKey({ name: 'www', type: 'AAAA' }, ZONE),
    );
  });

  it('data compares as named reads it: targets absolute and case-insensitive, IPv6 canonical', () => {
    const same = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      rdataKey(rec({ name: 'x', ...a }), ZONE) === rdataKey(rec({ name: 'x', ...b }), ZONE);
    expect(
      same({ type: 'AAAA', value: '2001:DB8:0:0::1' }, { type: 'AAAA', value: '2001:db8::1' }),
    ).toBe(true);
    expect(
      same(
        { type: 'MX', value: 'Mail', priority: 10 },
        { type: 'MX', value: 'mail.example.test.', priority: 10 },
      ),
    ).toBe(true);
    expect(
      same(
        { type: 'MX', value: 'mail', priority: 10 },
        { type: 'MX', value: 'mail', priority: 20 },
      ),
    ).toBe(false);
    expect(
      same({ type: 'CNAME', value: 'other.test.' }, { type: 'CNAME', value: 'OTHER.test' }),
    ).toBe(false); // relative: other.test.example.test.
    expect(same({ type: 'TXT', value: 'Hello' }, { type: 'TXT', value: 'hello' })).toBe(false);
    expect(
      same(
        { type: 'CAA', value: 'ca.test', tag: 'issue' },
        { type: 'CAA', value: 'ca.test', tag: 'issue', flags: 0 },
      ),
    ).toBe(true);
  });
});

describe('RrsetIndex', () => {
  const www300 = rec({ name: 'www', type: 'A', ttl: 300, value: '192.0.2.10' }, 'r1');

  it('refuses an identical record and names the existing one', () => {
    const index = new RrsetIndex(ZONE, 3600, [www300]);
    const dup = refusal(() =>
      index.assertNotDuplicate(
        rec({ name: 'WWW.example.test.', type: 'A', ttl: 300, value: '192.0.2.10' }),
      ),
    );
    expect(dup?.message).toMatch(/^www\.example\.test A 192\.0\.2\.10 already exists \(record r1/);
    expect(dup?.details).toMatchObject({
      conflict: 'duplicate_record',
      existing: { id: 'r1', ttl: 300, value: '192.0.2.10' },
    });
    // Another TTL does not make it another record.
    expect(
      refusal(() =>
        index.assertNotDuplicate(rec({ name: 'www', type: 'A', ttl: 60, value: '192.0.2.10' })),
      ),
    ).toBeDefined();
    expect(
      refusal(() =>
        index.assertNotDuplicate(rec({ name: 'www', type: 'A', ttl: 300, value: '192.0.2.11' })),
      ),
    ).toBeUndefined();
  });

  it("refuses a record joining an RRset with another TTL, saying the RRset's", () => {
    const index = new RrsetIndex(ZONE, 3600, [www300]);
    const mixed = refusal(() =>
      index.assertRrsetTtl(rec({ name: 'www', type: 'A', ttl: 600, value: '192.0.2.11' })),
    );
    expect(mixed?.message).toMatch(/the other records of www\.example\.test A have TTL 300/);
    expect(mixed?.message).toMatch(/an RRset has one TTL/);
    expect(mixed?.details).toMatchObject({ conflict: 'rrset_ttl', existing: { id: 'r1' } });
    expect(
      refusal(() =>
        index.assertRrsetTtl(rec({ name: 'www', type: 'A', ttl: 300, value: '192.0.2.11' })),
      ),
    ).toBeUndefined();
    // Another type is another RRset.
    expect(
      refusal(() =>
        index.assertRrsetTtl(rec({ name: 'www', type: 'AAAA', ttl: 600, value: '2001:db8::1' })),
      ),
    ).toBeUndefined();
  });

  it("compares a record without a TTL as the zone's default", () => {
    const followsDefault = rec({ name: 'api', type: 'A', value: '192.0.2.1' }, 'r2');
    const index = new RrsetIndex(ZONE, 3600, [followsDefault]);
    expect(
      refusal(() =>
        index.assertRrsetTtl(rec({ name: 'api', type: 'A', ttl: 3600, value: '192.0.2.2' })),
      ),
    ).toBeUndefined();
    const mixed = refusal(() =>
      index.assertRrsetTtl(rec({ name: 'api', type: 'A', ttl: 60, value: '192.0.2.2' })),
    );
    expect(mixed?.message).toMatch(/have TTL 3600 \(the zone's default\)/);
  });
});

describe('defaultTtlSplit', () => {
  const records = [
    rec({ name: 'api', type: 'A', value: '192.0.2.1' }),
    rec({ name: 'api', type: 'A', ttl: 3600, value: '192.0.2.2' }),
    rec({ name: 'solo', type: 'A', ttl: 60, value: '192.0.2.3' }),
  ];

  it('refuses a default TTL that would give an RRset two TTLs', () => {
    expect(defaultTtlSplit(ZONE, records, 3600, 600)).toMatch(
      /api\.example\.test A two TTLs: 3600 set on 192\.0\.2\.2, the default on 192\.0\.2\.1/,
    );
    expect(defaultTtlSplit(ZONE, records, 3600, 3600)).toBeNull();
    expect(defaultTtlSplit(ZONE, records.slice(2), 3600, 600)).toBeNull();
  });
});
