import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIPv6, scrubText, scrubValues } from './text-scrub.js';

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

describe('hidden names (usernames) are replaced only as whole tokens', () => {
  it('leaves a username inside domain names and longer words alone', () => {
    // A user named `com` must not garble DNS names or words in the same message.
    const text = 'zone x.com removed; com.example and income unchanged';
    expect(scrubValues(text, [], ['com'])).toBe(text);
    expect(scrubText(text, [], ['com'])).toBe(text);
    expect(scrubValues('ann.smith and joann and ann-b', [], ['ann'])).toBe(
      'ann.smith and joann and ann-b',
    );
  });

  it('replaces the username where it stands alone, before punctuation and in any case', () => {
    expect(scrubValues('user com removed zone x.com', [], ['com'])).toBe(
      'user *** removed zone x.com',
    );
    expect(scrubValues('changed by com. (com) "com", COM', [], ['com'])).toBe(
      'changed by ***. (***) "***", ***',
    );
    // Usernames with joining characters are one token; regex characters in them are literal.
    expect(scrubValues('a.b-c@d logged in; a.b-c@d.x did not', [], ['a.b-c@d'])).toBe(
      '******* logged in; a.b-c@d.x did not',
    );
    expect(scrubValues('a+b a.b', [], ['a.b'])).toBe('a+b ***');
    // Short names are left alone as before (they would hide ordinary words).
    expect(scrubValues('by al', [], ['al'])).toBe('by al');
  });

  it('keeps hidden values (not names) replaced wherever they occur', () => {
    expect(scrubValues('key=abcSECRETdef', ['SECRET'], [])).toBe('key=abc******def');
  });

  it('never leaves a standalone occurrence of the name (property)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9]{2,8}$/),
        fc.array(fc.constantFrom(' ', ', ', '. ', '(', ')', ': '), { minLength: 1, maxLength: 5 }),
        (name, seps) => {
          const text = seps.map((s) => `${s}${name}`).join('') + '.';
          const out = scrubValues(text, [], [name]);
          expect(out.split(/[ ,.():]+/).filter((w) => w === name)).toEqual([]);
        },
      ),
      { seed: 15, numRuns: 2000 },
    );
  });
});
