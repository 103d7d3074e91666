import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIPv6, scrubText } from './text-scrub.js';

describe('isIPv6', () => {
  it("agrees with node's parser on generated addresses and on arbitrary short strings", () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => isIPv6(ip)),
      { seed: 11, numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 46 }), (s) => {
        expect(isIPv6(s)).toBe(isIP(s) === 6);
      }),
      { seed: 12, numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f:.]{2,40}$/), (s) => {
        expect(isIPv6(s)).toBe(isIP(s) === 6);
      }),
      { seed: 13, numRuns: 20_000 },
    );
  });
});

describe('scrubText', () => {
  it('replaces addresses, credentials and hidden values, and never lengthens the text', () => {
    expect(
      scrubText('127.0.0.1 hit response-policy rules 20 times, via fe80::1%eth0#53 for alice7', [
        'alice7',
      ]),
    ).toBe('[ip] hit response-policy rules 20 times, via [ip]#53 for ******');
    expect(scrubText('login with password=hunter2hunter2 and Bearer eyJa.eyJb.sig')).toBe(
      'login with password=[secret] and Bearer [secret]',
    );
    expect(scrubText('key "rndc" { secret "c2VjcmV0c2VjcmV0"; }')).toBe(
      'key "rndc" { secret [secret]; }',
    );
    expect(scrubText('token: abc')).toBe('token: ***');
    const plain = 'named answers again at 10:30:00 (serial 2025011502)';
    expect(scrubText(plain)).toBe(plain);
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(scrubText(s).length).toBeLessThanOrEqual(s.length);
      }),
      { seed: 14, numRuns: 5000 },
    );
  });
});
