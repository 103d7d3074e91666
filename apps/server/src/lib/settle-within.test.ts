import { describe, expect, it } from 'vitest';
import { settleWithin } from './settle-within.js';

describe('settleWithin', () => {
  it('returns when the work settles, fulfilled or rejected', async () => {
    await settleWithin(Promise.resolve(1), 60_000);
    await settleWithin(Promise.reject(new Error('away')), 60_000);
  });

  it('returns after the bound when the work never settles', async () => {
    let settled = false;
    const done = settleWithin(new Promise(() => undefined), 20).then(() => (settled = true));
    await done;
    expect(settled).toBe(true);
  });
});
