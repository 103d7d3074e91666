import { describe, expect, it } from 'vitest';
import { maskUrlSecrets } from './logger.js';

describe('maskUrlSecrets', () => {
  it.each([
    ['/ws/dashboard/1?token=abc.def.ghi', '/ws/dashboard/1?token=[REDACTED]'],
    ['/ws/x/1?a=1&token=abc&b=2', '/ws/x/1?a=1&token=[REDACTED]&b=2'],
    [
      '/x?access_token=a&refresh_token=b#frag',
      '/x?access_token=[REDACTED]&refresh_token=[REDACTED]#frag',
    ],
    ['/x?TOKEN=a', '/x?TOKEN=[REDACTED]'],
    ['/x?notatoken=a', '/x?notatoken=a'],
    ['/plain', '/plain'],
  ])('%s → %s', (input, expected) => {
    expect(maskUrlSecrets(input)).toBe(expected);
  });
});
