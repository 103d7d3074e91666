import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskUrlSecrets } from './logger.js';
import { routeUpgrade } from './realtime/upgrade-route.js';

describe('maskUrlSecrets', () => {
  it.each([
    ['/ws/dashboard/1?token=abc.def.ghi', '/ws/dashboard/1?token=[REDACTED]'],
    ['/ws/x/1?a=1&token=abc&b=2', '/ws/x/1?a=1&token=[REDACTED]&b=2'],
    [
      '/x?access_token=a&refresh_token=b#frag',
      '/x?access_token=[REDACTED]&refresh_token=[REDACTED]#frag',
    ],
    ['/x?TOKEN=a', '/x?TOKEN=[REDACTED]'],
    ['/x?accessToken=a&JWT=b', '/x?accessToken=[REDACTED]&JWT=[REDACTED]'],
    ['/x?notatoken=a', '/x?notatoken=a'],
    ['/x?token', '/x?token'],
    ['/x?token=', '/x?token=[REDACTED]'],
    ['/plain', '/plain'],
  ])('%s → %s', (input, expected) => {
    expect(maskUrlSecrets(input)).toBe(expected);
  });

  it.each([
    // Percent-encoded names, as URLSearchParams (and so the legacy /ws route) decodes them.
    ['/ws?%74oken=secret', '/ws?%74oken=[REDACTED]'],
    ['/ws?%74%6F%6B%65%6E=secret&y=2', '/ws?%74%6F%6B%65%6E=[REDACTED]&y=2'],
    ['/ws?%54OKEN=secret', '/ws?%54OKEN=[REDACTED]'],
    ['/x?access%5Ftoken=secret', '/x?access%5Ftoken=[REDACTED]'],
    // A leading `??` still leaves a `token` parameter for URLSearchParams.
    ['/ws??token=secret', '/ws??token=[REDACTED]'],
    // A secret quoted inside another parameter's value is masked too.
    ['/login?next=/ws?token=secret&y=1', '/login?next=/ws?token=[REDACTED]&y=1'],
    ['/x?token=a?jwt=b&y=1', '/x?token=[REDACTED]&y=1'],
  ])('decodes the name: %s → %s', (input, expected) => {
    expect(maskUrlSecrets(input)).toBe(expected);
  });

  it.each([
    // Malformed escapes stay literal (as URLSearchParams reads them): no throw, no false mask.
    ['/x?%ZZtoken=a', '/x?%ZZtoken=a'],
    ['/x?%E0%A4%A=a&token=b', '/x?%E0%A4%A=a&token=[REDACTED]'],
    ['/x?%=a&%7=b', '/x?%=a&%7=b'],
    // `+` is a space in a query name: `+token` is not `token`.
    ['/x?+token=a', '/x?+token=a'],
  ])('malformed or foreign names never throw: %s → %s', (input, expected) => {
    expect(maskUrlSecrets(input)).toBe(expected);
  });

  it('masks tokens in free text without spanning white space', () => {
    expect(maskUrlSecrets('bad target /ws?%74oken=abc def for x=1')).toBe(
      'bad target /ws?%74oken=[REDACTED]',
    );
    expect(maskUrlSecrets('x = 1 and y=2')).toBe('x = 1 and y=2');
  });

  it('masks every spelling of the name that the legacy /ws route reads as its token', () => {
    const encode = (c: string) => `%${c.charCodeAt(0).toString(16)}`;
    const spelling = fc
      .tuple(...[...'token'].map((c) => fc.constantFrom(c, encode(c), encode(c).toUpperCase())))
      .map((parts) => parts.join(''));
    const filler = fc.string({ unit: fc.constantFrom('a', '=', '&', '%', '?', '+', '1') });
    fc.assert(
      fc.property(spelling, filler, (name, before) => {
        const url = `/ws?${before}&${name}=s3cret-value`;
        // The premise: the server really would read this parameter as a token.
        const route = routeUpgrade(url);
        fc.pre(route.kind === 'legacy2' && route.token === 's3cret-value');
        expect(maskUrlSecrets(url)).not.toContain('s3cret');
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(typeof maskUrlSecrets(`/ws?${s}`)).toBe('string');
      }),
      { seed: 3, numRuns: 1000 },
    );
  });
});
